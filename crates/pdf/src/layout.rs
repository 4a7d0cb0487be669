//! A small top-down page layout over krilla: A4 pages, a cursor that moves down, text that
//! wraps at word boundaries, and new pages when the current one is full.

use crate::PdfError;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};
use krilla::Document;
use skrifa::instance::{LocationRef, Size};
use skrifa::MetadataProvider;

// DejaVu Serif (Bitstream Vera licence, free to embed and redistribute): full Vietnamese
// coverage in precomposed glyphs, and a serif face like the one official forms use.
static REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSerif.ttf");
static BOLD: &[u8] = include_bytes!("../fonts/DejaVuSerif-Bold.ttf");

pub const A4: (f32, f32) = (595.0, 842.0);
const MARGIN_X: f32 = 56.0;
const MARGIN_TOP: f32 = 48.0;
const MARGIN_BOTTOM: f32 = 56.0;

/// One face: the font for krilla and its raw data for measuring.
#[derive(Clone)]
struct Face {
    font: Font,
    data: &'static [u8],
}

impl Face {
    fn load(data: &'static [u8]) -> Result<Face, PdfError> {
        let font = Font::new(data.into(), 0).ok_or(PdfError::Font)?;
        Ok(Face { font, data })
    }

    /// Width of `text` at `size` points (advances summed; Vietnamese needs no kerning pairs
    /// to wrap correctly).
    fn width(&self, text: &str, size: f32) -> f32 {
        let Ok(f) = skrifa::FontRef::new(self.data) else { return 0.0 };
        let charmap = f.charmap();
        let metrics = f.glyph_metrics(Size::new(size), LocationRef::default());
        text.chars().filter_map(|c| charmap.map(c)).filter_map(|g| metrics.advance_width(g)).sum()
    }
}

#[derive(Clone, Copy, PartialEq)]
pub enum Align {
    Left,
    Center,
}

/// Drawing instructions of one page, replayed onto krilla's surface at the end (krilla's
/// page borrows the document, which would otherwise tie the layout to one page at a time).
enum Op {
    Text { x: f32, y: f32, size: f32, bold: bool, text: String },
    Rule { x1: f32, x2: f32, y: f32 },
    Squares { rects: Vec<Rect> },
}

pub struct Sheet {
    regular: Face,
    bold: Face,
    pages: Vec<Vec<Op>>,
    /// Top of the next line, in points from the top of the page.
    pub y: f32,
    title: String,
    /// Page width and height in points.
    size: (f32, f32),
    /// When the document was made (the PDF's CreationDate).
    created: Option<chrono::DateTime<chrono::Utc>>,
}

impl Sheet {
    pub fn new(title: &str) -> Result<Sheet, PdfError> {
        Ok(Sheet { regular: Face::load(REGULAR)?, bold: Face::load(BOLD)?, pages: vec![Vec::new()], y: MARGIN_TOP, title: title.into(), size: A4, created: None })
    }

    /// Turns the pages sideways (registers and books with many columns).
    pub fn landscape(mut self) -> Sheet {
        self.size = (A4.1, A4.0);
        self
    }

    /// Records when the document was made (the caller's clock, not this machine's).
    pub fn created(mut self, at: chrono::DateTime<chrono::Utc>) -> Sheet {
        self.created = Some(at);
        self
    }

    #[cfg(test)]
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    pub fn left(&self) -> f32 {
        MARGIN_X
    }

    pub fn right(&self) -> f32 {
        self.size.0 - MARGIN_X
    }

    fn face(&self, bold: bool) -> &Face {
        if bold {
            &self.bold
        } else {
            &self.regular
        }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("a sheet always has a page")
    }

    /// Makes room for `height` points, starting a new page if needed.
    pub fn ensure(&mut self, height: f32) {
        if self.y + height > self.size.1 - MARGIN_BOTTOM {
            self.pages.push(Vec::new());
            self.y = MARGIN_TOP;
        }
    }

    /// Splits `text` into lines no wider than `width`; a word longer than a line is cut.
    pub fn wrap(&self, text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
        let face = self.face(bold);
        let space = face.width(" ", size);
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            let mut line_w = 0.0;
            for word in paragraph.split_whitespace() {
                let w = face.width(word, size);
                if !line.is_empty() && line_w + space + w > width {
                    lines.push(std::mem::take(&mut line));
                    line_w = 0.0;
                }
                if w > width {
                    // An unbreakable run (a long code or address): cut it by characters.
                    for c in word.chars() {
                        let cw = face.width(c.encode_utf8(&mut [0; 4]), size);
                        if line_w + cw > width && !line.is_empty() {
                            lines.push(std::mem::take(&mut line));
                            line_w = 0.0;
                        }
                        line.push(c);
                        line_w += cw;
                    }
                    continue;
                }
                if !line.is_empty() {
                    line.push(' ');
                    line_w += space;
                }
                line.push_str(word);
                line_w += w;
            }
            lines.push(line);
        }
        lines
    }

    /// Writes text in the column [x0, x1], wrapped, moving the cursor down.
    pub fn text_in(&mut self, text: &str, size: f32, bold: bool, align: Align, x0: f32, x1: f32) {
        let leading = size * 1.35;
        for line in self.wrap(text, size, bold, x1 - x0) {
            self.ensure(leading);
            let w = self.face(bold).width(&line, size);
            let x = match align {
                Align::Left => x0,
                Align::Center => x0 + ((x1 - x0) - w) / 2.0,
            };
            let y = self.y + size;
            self.ops().push(Op::Text { x, y, size, bold, text: line });
            self.y += leading;
        }
    }

    pub fn text(&mut self, text: &str, size: f32, bold: bool, align: Align) {
        let (l, r) = (self.left(), self.right());
        self.text_in(text, size, bold, align, l, r);
    }

    /// A label in bold followed by its value, the value wrapping under itself.
    pub fn field(&mut self, label: &str, value: &str, size: f32) {
        let label_w = 170.0;
        let top = self.y;
        self.ensure(size * 1.35);
        let start_page = self.pages.len();
        let (l, r) = (self.left(), self.right());
        self.text_in(label, size, true, Align::Left, l, l + label_w - 8.0);
        let after_label = self.y;
        if self.pages.len() == start_page {
            self.y = top.max(self.y - (after_label - top));
        }
        self.text_in(value, size, false, Align::Left, l + label_w, r);
        self.y = self.y.max(after_label);
    }

    pub fn gap(&mut self, h: f32) {
        self.y += h;
    }

    /// A table: column titles in bold, cells wrapped within their columns, a line under the
    /// titles and under each row; rows never split across pages, titles repeat on new ones.
    pub fn table(&mut self, headers: &[String], widths: &[f32], rows: &[Vec<String>], size: f32) {
        let (l, r) = (self.left(), self.right());
        let total: f32 = widths.iter().sum::<f32>().max(1.0);
        let mut edges = vec![l];
        for w in widths {
            let last = *edges.last().unwrap_or(&l);
            edges.push(last + (r - l) * w / total);
        }
        let pad = 3.0;
        let leading = size * 1.35;
        let row_height = |sheet: &Sheet, cells: &[String], bold: bool| {
            cells.iter().enumerate().map(|(i, c)| sheet.wrap(c, size, bold, edges[i + 1] - edges[i] - 2.0 * pad).len()).max().unwrap_or(1) as f32 * leading + 4.0
        };
        let draw = |sheet: &mut Sheet, cells: &[String], bold: bool| {
            let top = sheet.y;
            let mut bottom = top;
            for (i, c) in cells.iter().enumerate().take(edges.len() - 1) {
                sheet.y = top + 2.0;
                sheet.text_in(c, size, bold, Align::Left, edges[i] + pad, edges[i + 1] - pad);
                bottom = bottom.max(sheet.y);
            }
            sheet.y = bottom + 2.0;
            sheet.rule(l, r);
        };
        let header_h = row_height(self, headers, true);
        self.ensure(header_h + leading);
        self.rule(l, r);
        draw(self, headers, true);
        for row in rows {
            let h = row_height(self, row, false);
            let pages = self.pages.len();
            self.ensure(h);
            if self.pages.len() != pages {
                self.rule(l, r);
                draw(self, headers, true);
            }
            draw(self, row, false);
        }
    }

    /// A horizontal line under the previous text (e.g. below the national motto).
    pub fn rule(&mut self, x1: f32, x2: f32) {
        let y = self.y - 2.0;
        self.ops().push(Op::Rule { x1, x2, y });
    }

    /// Width of a line of text, for centring rules under it.
    pub fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        self.face(bold).width(text, size)
    }

    /// A QR code of `data`, `side` points wide, with its top-left corner at (x, y).
    pub fn qr(&mut self, data: &str, x: f32, y: f32, side: f32) -> Result<(), PdfError> {
        let code = qrcode::QrCode::with_error_correction_level(data.as_bytes(), qrcode::EcLevel::M).map_err(|e| PdfError::Qr(e.to_string()))?;
        let n = code.width();
        let module = side / n as f32;
        let colors = code.to_colors();
        let rects = (0..n * n)
            .filter(|i| colors[*i] == qrcode::Color::Dark)
            .filter_map(|i| Rect::from_xywh(x + (i % n) as f32 * module, y + (i / n) as f32 * module, module, module))
            .collect();
        self.ops().push(Op::Squares { rects });
        Ok(())
    }

    /// The finished PDF.
    pub fn finish(self) -> Result<Vec<u8>, PdfError> {
        let mut doc = Document::new();
        // Producer and creation date: archives and document registers read them (and
        // PDF/A requires them).
        let mut metadata = krilla::metadata::Metadata::new()
            .title(self.title.clone())
            .language("vi".into())
            .creator("motcua".into())
            .producer(format!("motcua {} (krilla)", env!("CARGO_PKG_VERSION")));
        if let Some(at) = self.created {
            use chrono::{Datelike, Timelike};
            // Vietnamese time, UTC+7 all year.
            let local = at + chrono::Duration::hours(7);
            let date = krilla::metadata::DateTime::new(local.year().clamp(0, 9999) as u16)
                .month(local.month() as u8)
                .day(local.day() as u8)
                .hour(local.hour() as u8)
                .minute(local.minute() as u8)
                .second(local.second() as u8)
                .utc_offset_hour(7)
                .utc_offset_minute(0);
            metadata = metadata.creation_date(date);
        }
        doc.set_metadata(metadata);
        for ops in &self.pages {
            let settings = PageSettings::from_wh(self.size.0, self.size.1).ok_or_else(|| PdfError::Serialize("page size".into()))?;
            let mut page = doc.start_page_with(settings);
            let mut surface = page.surface();
            for op in ops {
                match op {
                    Op::Text { x, y, size, bold, text } => {
                        let font = self.face(*bold).font.clone();
                        surface.draw_text(Point::from_xy(*x, *y), font, *size, text, false, TextDirection::LeftToRight);
                    }
                    Op::Rule { x1, x2, y } => {
                        let mut pb = PathBuilder::new();
                        pb.move_to(*x1, *y);
                        pb.line_to(*x2, *y);
                        if let Some(path) = pb.finish() {
                            surface.set_fill(None);
                            surface.set_stroke(Some(Stroke { width: 0.8, ..Stroke::default() }));
                            surface.draw_path(&path);
                            surface.set_stroke(None);
                            surface.set_fill(Some(Fill::default()));
                        }
                    }
                    Op::Squares { rects } => {
                        let mut pb = PathBuilder::new();
                        for r in rects {
                            pb.push_rect(*r);
                        }
                        if let Some(path) = pb.finish() {
                            surface.set_fill(Some(Fill::default()));
                            surface.draw_path(&path);
                        }
                    }
                }
            }
            surface.finish();
            page.finish();
        }
        doc.finish().map_err(|e| PdfError::Serialize(format!("{e:?}")))
    }
}
