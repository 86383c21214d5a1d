//! An invoice as a PDF document (PAY-1: "an electronic invoice in the console"), and a credit
//! note (DISPUTE-2, house reading: a document of its own) with the same header, line table and
//! totals, written with `pdf-writer`: A4 pages, the standard Helvetica fonts (no font file
//! embedded), text only.

use domain::Money;
use domain::company_account::CompanyForm;
use domain::order::long_date;
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};
use protocol::disputes::CreditNoteDocument;
use protocol::invoices::{InvoiceLineView, InvoiceView, ViesProofView};

const PAGE_WIDTH: f32 = 595.0;
const PAGE_HEIGHT: f32 = 842.0;
const MARGIN: f32 = 50.0;
const LEADING: f32 = 15.0;
/// Lines of text that fit on a page between the margins.
const LINES_PER_PAGE: usize = ((PAGE_HEIGHT - 2.0 * MARGIN) / LEADING) as usize;

const REGULAR: Name<'static> = Name(b"F1");
const BOLD: Name<'static> = Name(b"F2");

/// One line of text: its font, size, and the text at each tab stop (x from the left margin).
struct Line {
    bold: bool,
    size: f32,
    cells: Vec<(f32, String)>,
}

impl Line {
    fn text(bold: bool, size: f32, text: impl Into<String>) -> Self {
        Line {
            bold,
            size,
            cells: vec![(0.0, text.into())],
        }
    }

    fn blank() -> Self {
        Line::text(false, 10.0, "")
    }

    fn columns(bold: bool, cells: Vec<(f32, String)>) -> Self {
        Line {
            bold,
            size: 9.0,
            cells,
        }
    }
}

/// Text in the fonts' WinAnsi encoding: Latin-1 as is, a few typographic signs mapped, anything
/// else shown as `?`.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|character| match character {
            '€' => 0x80,
            '…' => 0x85,
            '–' => 0x96,
            '—' => 0x97,
            '’' => 0x92,
            character if (character as u32) < 0x100 => character as u8,
            _ => b'?',
        })
        .collect()
}

fn eur(amount: Money) -> String {
    format!("EUR {amount}")
}

/// The tab stops of the line table and the totals.
const COLUMNS: [f32; 5] = [0.0, 250.0, 300.0, 380.0, 430.0];

/// The document's title and the Company billed.
fn header(title: String, company: &CompanyForm) -> Vec<Line> {
    let mut lines = vec![
        Line::text(true, 18.0, title),
        Line::blank(),
        Line::text(true, 10.0, company.legal_name.clone()),
    ];
    for part in [
        company.address_line1.clone(),
        company.address_line2.clone(),
        format!("{} {}", company.postal_code, company.city),
        company.billing_country.clone(),
        format!("Registration number: {}", company.registration_number),
    ] {
        if !part.trim().is_empty() {
            lines.push(Line::text(false, 10.0, part));
        }
    }
    if !company.vat_number.trim().is_empty() {
        lines.push(Line::text(
            false,
            10.0,
            format!("VAT number: {}", company.vat_number),
        ));
    }
    lines.push(Line::blank());
    lines
}

/// The line table: one row per line, and below a line that carries its own VAT (a credit note
/// deducted), that VAT.
fn table(rows: &[InvoiceLineView]) -> Vec<Line> {
    let mut lines = vec![Line::columns(
        true,
        ["Line", "Quantity", "Unit price", "Discount", "Net"]
            .iter()
            .zip(COLUMNS)
            .map(|(title, x)| (x, (*title).to_owned()))
            .collect(),
    )];
    for line in rows {
        lines.push(Line::columns(
            false,
            vec![
                (COLUMNS[0], line.description.clone()),
                (COLUMNS[1], line.quantity.to_string()),
                (COLUMNS[2], eur(line.unit_price)),
                (COLUMNS[3], format!("{} %", line.discount_pct)),
                (COLUMNS[4], eur(line.net)),
            ],
        ));
        if let Some(vat) = line.vat {
            lines.push(Line::columns(
                false,
                vec![
                    (COLUMNS[0], "    with its VAT".to_owned()),
                    (COLUMNS[4], eur(vat)),
                ],
            ));
        }
    }
    lines.push(Line::blank());
    lines
}

/// Subtotal, VAT and total, one under the other.
fn totals(subtotal: Money, vat_label: String, vat: Money, total: Money) -> Vec<Line> {
    [
        ("Subtotal (excluding VAT)".to_owned(), subtotal, false),
        (vat_label, vat, false),
        ("Total".to_owned(), total, true),
    ]
    .into_iter()
    .map(|(label, amount, bold)| {
        Line::columns(bold, vec![(COLUMNS[2], label), (COLUMNS[4], eur(amount))])
    })
    .collect()
}

fn lines_of(invoice: &InvoiceView, company: &CompanyForm) -> Vec<Line> {
    let mut lines = header(format!("Invoice {}", invoice.number), company);
    lines.push(Line::text(
        false,
        10.0,
        format!("Invoice date: {}", long_date(invoice.issue_date)),
    ));
    lines.push(Line::text(
        false,
        10.0,
        format!(
            "Due date: {} (payment in advance)",
            long_date(invoice.due_date)
        ),
    ));
    let what = match invoice.order_id {
        Some(order_id) => format!("{} (Order {order_id})", invoice.kind.label()),
        None => invoice.kind.label().to_owned(),
    };
    lines.push(Line::text(false, 10.0, format!("For: {what}")));
    if let Some((first, last)) = invoice.period {
        lines.push(Line::text(
            false,
            10.0,
            format!("Period: {} to {}", long_date(first), long_date(last)),
        ));
    }
    lines.push(Line::text(
        false,
        10.0,
        match invoice.paid_on {
            Some(day) => format!("Status: paid on {}", long_date(day)),
            None => format!("Status: {}", invoice.status.label()),
        },
    ));
    lines.push(Line::blank());
    lines.extend(table(&invoice.lines));
    lines.extend(totals(
        invoice.subtotal,
        vat_label(invoice),
        invoice.vat,
        invoice.total,
    ));
    lines.push(Line::blank());
    lines.push(Line::text(false, 9.0, invoice.vat_reason.clone()));
    if let Some(proof) = &invoice.vies {
        lines.push(Line::text(false, 9.0, vies_line(proof)));
    }
    lines
}

/// "VAT 20 %", and when credit notes were deducted, that their VAT is in it.
fn vat_label(invoice: &InvoiceView) -> String {
    if invoice.lines.iter().any(|line| line.vat.is_some()) {
        format!("VAT {} %, less the credit notes' VAT", invoice.vat_rate)
    } else {
        format!("VAT {} %", invoice.vat_rate)
    }
}

fn credit_note_lines(document: &CreditNoteDocument, company: &CompanyForm) -> Vec<Line> {
    let note = &document.note;
    let mut lines = header(format!("Credit note {}", note.number), company);
    for text in [
        format!("Credit note date: {}", long_date(note.issued_on)),
        format!(
            "For: invoice {} (dispute accepted, DISPUTE-2)",
            note.invoice_number
        ),
        format!(
            "Deducted from the next invoices: EUR {} left to deduct",
            note.remaining
        ),
    ] {
        lines.push(Line::text(false, 10.0, text));
    }
    if let Some(reason) = &document.reason {
        lines.push(Line::text(false, 10.0, format!("Note: {reason}")));
    }
    lines.push(Line::blank());
    lines.extend(table(&document.lines));
    lines.extend(totals(
        note.net,
        format!("VAT {} % (the disputed invoice's rate)", document.vat_rate),
        note.vat,
        note.amount,
    ));
    lines
}

/// Issue 19: the VIES consultation that confirmed the VAT number of a reverse charge.
pub fn vies_line(proof: &ViesProofView) -> String {
    let number = proof.request_identifier.as_deref().unwrap_or("none given");
    let day = proof
        .request_date
        .as_deref()
        .map(|date| format!(" of {}", date.get(..10).unwrap_or(date)))
        .unwrap_or_default();
    format!(
        "VAT number {} confirmed by VIES: consultation number {number}{day}.",
        proof.vat_number
    )
}

/// PAY-1: the invoice as a PDF document.
pub fn render(invoice: &InvoiceView, company: &CompanyForm) -> Vec<u8> {
    document(&lines_of(invoice, company))
}

/// DISPUTE-2 (house reading): the credit note as a PDF document, laid out as an invoice.
pub fn render_credit_note(note: &CreditNoteDocument, company: &CompanyForm) -> Vec<u8> {
    document(&credit_note_lines(note, company))
}

/// The lines of text on as many A4 pages as they need.
fn document(lines: &[Line]) -> Vec<u8> {
    let pages: Vec<&[Line]> = lines.chunks(LINES_PER_PAGE.max(1)).collect();
    let mut pdf = Pdf::new();
    let catalog_id = Ref::new(1);
    let tree_id = Ref::new(2);
    let regular_id = Ref::new(3);
    let bold_id = Ref::new(4);
    let first_page = 5;
    let page_ids: Vec<Ref> = (0..pages.len())
        .map(|index| Ref::new(first_page + 2 * index as i32))
        .collect();
    pdf.catalog(catalog_id).pages(tree_id);
    pdf.pages(tree_id)
        .kids(page_ids.iter().copied())
        .count(page_ids.len() as i32);
    pdf.type1_font(regular_id)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold_id)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    for (page_lines, page_id) in pages.iter().zip(&page_ids) {
        let content_id = Ref::new(page_id.get() + 1);
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT));
        page.parent(tree_id);
        page.contents(content_id);
        let mut resources = page.resources();
        let mut fonts = resources.fonts();
        fonts.pair(REGULAR, regular_id);
        fonts.pair(BOLD, bold_id);
        fonts.finish();
        resources.finish();
        page.finish();
        let mut content = Content::new();
        for (index, line) in page_lines.iter().enumerate() {
            let y = PAGE_HEIGHT - MARGIN - LEADING * (index as f32 + 1.0);
            for (x, text) in &line.cells {
                if text.is_empty() {
                    continue;
                }
                content.begin_text();
                content.set_font(if line.bold { BOLD } else { REGULAR }, line.size);
                content.next_line(MARGIN + x, y);
                content.show(Str(&win_ansi(text)));
                content.end_text();
            }
        }
        pdf.stream(content_id, &content.finish());
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn win_ansi_keeps_latin_1_and_the_euro_sign() {
        assert_eq!(win_ansi("é€x"), vec![0xE9, 0x80, b'x']);
        assert_eq!(win_ansi("漢"), vec![b'?']);
    }
}
