//! 办公文件 — the office worker (issue 19, QUAL-3, PAT-7): XLSX written and read outside the
//! start-up module.
//!
//! `rust_xlsxwriter` (+ zip/deflate) and `calamine` are ~240 KB brotli that only the Director's
//! monthly pack and finance's arrears file need, so they live in a second wasm module, the web
//! worker `src/bin/office.rs` (built by trunk beside the app, loaded on first use). The app
//! describes a workbook as a plain [`spec::Workbook`] (pure data, built by the domain) and posts
//! it to the worker; the worker answers with the bytes. An uploaded .xlsx goes the other way and
//! comes back as rows of strings, which then take the same path as a CSV's rows.
//!
//! [`write`] and [`read_first_sheet`] are the only code that touches the two crates; the
//! worker calls them, and so do native tests. The start-up module never calls them, so LTO
//! leaves both crates out of it (`bash .ci/check-dist.sh` budgets both modules).

pub mod spec;

#[cfg(target_arch = "wasm32")]
pub mod client;
#[cfg(target_arch = "wasm32")]
pub mod worker;

pub use spec::{Cell, Sheet, Workbook};

/// The workbook's bytes: one worksheet per sheet, the header row in bold, numbers as numbers,
/// everything else as text (never a formula).
pub fn write(book: &Workbook) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{DocProperties, Format};
    let mut wb = rust_xlsxwriter::Workbook::new();
    let bold = Format::new().set_bold();
    for s in &book.sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&s.name).map_err(|e| e.to_string())?;
        for (c, h) in s.headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold)
                .map_err(|e| e.to_string())?;
            ws.set_column_width(c as u16, s.width)
                .map_err(|e| e.to_string())?;
        }
        for (r, row) in s.rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let (r, c) = (r as u32 + 1, c as u16);
                match v {
                    Cell::Number(n) => ws.write_number(r, c, *n),
                    Cell::Text(t) => ws.write_string(r, c, t),
                }
                .map_err(|e| e.to_string())?;
            }
        }
    }
    wb.set_properties(&DocProperties::new().set_title(&book.title));
    wb.save_to_buffer().map_err(|e| e.to_string())
}

/// The first worksheet of an .xlsx file as rows of text (numbers as Rust prints them: 3.0 is
/// "3", 1280.5 is "1280.5"; empty cells as ""), trailing empty rows dropped.
pub fn read_first_sheet(bytes: &[u8]) -> Result<Vec<Vec<String>>, String> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("not an XLSX workbook: {e}"))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| "the workbook has no sheet".to_string())?
        .map_err(|e| e.to_string())?;
    let mut rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    while rows
        .last()
        .is_some_and(|r| r.iter().all(|c| c.trim().is_empty()))
    {
        rows.pop();
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workbook_reads_back_as_written() {
        let book = Workbook {
            title: "t".into(),
            sheets: vec![Sheet::new(
                "表一",
                vec!["房号".into(), "金额".into()],
                vec![
                    vec![Cell::text("3-1201"), Cell::Number(1280.5)],
                    vec![Cell::text("=1+1"), Cell::Number(3.0)],
                ],
            )],
        };
        let bytes = write(&book).unwrap();
        assert_eq!(&bytes[..2], b"PK");
        let rows = read_first_sheet(&bytes).unwrap();
        assert_eq!(
            rows,
            vec![
                vec!["房号".to_string(), "金额".into()],
                vec!["3-1201".into(), "1280.5".into()],
                vec!["=1+1".into(), "3".into()],
            ]
        );
        assert!(read_first_sheet(b"not a zip").is_err());
    }
}
