//! Registers and reports officers download: the tracking book (Mẫu 07).

pub mod tracking_book;
