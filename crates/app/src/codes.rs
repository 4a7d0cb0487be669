//! Codes handed to citizens before an official number exists (dossier references,
//! feedback tracking codes): unguessable, and unambiguous when read aloud over the phone.

/// `prefix` + 12 characters from an alphabet without 0/O and 1/I (60 bits of randomness).
pub fn random_code(prefix: &str) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let mut s = String::from(prefix);
    for _ in 0..12 {
        s.push(ALPHABET[rand::random::<usize>() % ALPHABET.len()] as char);
    }
    s
}
