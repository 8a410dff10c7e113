//! CSV export of any list: UTF-8 with a byte-order mark (so Excel on a Chinese Windows opens it
//! as UTF-8), CRLF line ends, RFC 4180 quoting, and spreadsheet formula injection neutralised
//! (a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so
//! a resident named "=HYPERLINK(…)" stays text).

use crate::domain::command::{Actor, DomainError};
use crate::domain::roles::Action;

/// The UTF-8 byte-order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The lists that can be exported as CSV.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CsvList {
    /// Names, roles, departments, phones.
    Staff,
    /// Residents' names and phones by unit.
    Households,
    Buildings,
    Facilities,
    Checkpoints,
    /// 业主信件签收表: recipients' names by unit (issue 17, DESK-1).
    Mail,
    /// 客户订报清单: subscribers' names by unit (DESK-2).
    Subscriptions,
    /// 代售销售记录表: items, amounts, receipts (DESK-3).
    Sales,
}

impl CsvList {
    /// Carries people's names and phones (issue 12, SOP §0).
    pub fn personal(self) -> bool {
        matches!(
            self,
            CsvList::Staff | CsvList::Households | CsvList::Mail | CsvList::Subscriptions
        )
    }
}

/// The CSV of a list for `actor`: a list with personal data needs
/// [`Action::ExportPersonalData`] (issue 12); the others anyone may export.
pub fn export_csv(
    actor: &Actor,
    list: CsvList,
    headers: &[&str],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, DomainError> {
    if list.personal() {
        actor.may(Action::ExportPersonalData)?;
    }
    Ok(to_csv(headers, rows))
}

/// The file: BOM, the header line, then one line per row, each ended by CRLF.
pub fn to_csv(headers: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = String::new();
    line(&mut out, headers.iter().copied());
    for r in rows {
        line(&mut out, r.iter().map(String::as_str));
    }
    let mut bytes = BOM.to_vec();
    bytes.extend_from_slice(out.as_bytes());
    bytes
}

fn line<'a>(out: &mut String, cells: impl Iterator<Item = &'a str>) {
    for (i, c) in cells.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&cell(c));
    }
    out.push_str("\r\n");
}

/// One cell: neutralised, then quoted when it holds a comma, a quote, CR or LF.
pub fn cell(value: &str) -> String {
    let v = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if v.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

/// Reads a CSV file (finance's arrears list, PAT-7): UTF-8 with or without BOM, `,` separated,
/// `"` quoting with `""` inside, CRLF or LF. Blank lines are skipped. Returns the lines' cells;
/// the first line is the header. A file that is not UTF-8 (GBK from an older Excel) is refused
/// with a message rather than read as garbage.
pub fn parse(bytes: &[u8]) -> Result<Vec<Vec<String>>, crate::domain::i18n::Text> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| {
        crate::domain::i18n::Text::new(
            "文件不是UTF-8编码：请在表格软件中另存为“CSV UTF-8”",
            "The file is not UTF-8: save it as \"CSV UTF-8\" in the spreadsheet program",
        )
    })?;
    let mut lines = Vec::new();
    let mut cells = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cur.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cur.push(c),
            (false, '"') if cur.is_empty() => quoted = true,
            (false, ',') => cells.push(std::mem::take(&mut cur)),
            (false, '\r') => {}
            (false, '\n') => {
                cells.push(std::mem::take(&mut cur));
                if cells.iter().any(|c| !c.trim().is_empty()) {
                    lines.push(std::mem::take(&mut cells));
                } else {
                    cells.clear();
                }
            }
            (false, c) => cur.push(c),
        }
    }
    cells.push(cur);
    if cells.iter().any(|c| !c.trim().is_empty()) {
        lines.push(cells);
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(b: &[u8]) -> &str {
        std::str::from_utf8(b.strip_prefix(BOM).expect("starts with the BOM")).unwrap()
    }

    #[test]
    fn bom_header_and_crlf() {
        let b = to_csv(&["房号", "姓名"], &[vec!["1201".into(), "王芳".into()]]);
        assert!(b.starts_with(BOM));
        assert_eq!(text(&b), "房号,姓名\r\n1201,王芳\r\n");
    }

    #[test]
    fn empty_list_is_the_header_only() {
        assert_eq!(text(&to_csv(&["a", "b"], &[])), "a,b\r\n");
    }

    #[test]
    fn rfc4180_quoting() {
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(cell("plain 文本"), "plain 文本");
        assert_eq!(cell(""), "");
    }

    #[test]
    fn formula_injection_is_neutralised() {
        assert_eq!(cell("=1+2"), "'=1+2");
        assert_eq!(cell("+8613800001111"), "'+8613800001111");
        assert_eq!(cell("-5"), "'-5");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\tx"), "'\tx");
        assert_eq!(cell("\rx"), "\"'\rx\"");
        assert_eq!(
            cell("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""
        );
        // Only the first character counts.
        assert_eq!(cell("a=b"), "a=b");
    }

    #[test]
    fn rows_round_trip_through_a_simple_parser() {
        let rows = vec![
            vec!["1,2".to_string(), "\"q\"".into(), "x\r\ny".into()],
            vec!["".to_string(), "=cmd".into(), "ok".into()],
        ];
        let b = to_csv(&["a", "b", "c"], &rows);
        let parsed = parse(text(&b));
        assert_eq!(parsed[0], vec!["a", "b", "c"]);
        assert_eq!(parsed[1], rows[0]);
        assert_eq!(parsed[2], vec!["", "'=cmd", "ok"]);
    }

    /// A minimal RFC 4180 reader for the round-trip test.
    fn parse(s: &str) -> Vec<Vec<String>> {
        let mut rows = vec![];
        let mut row = vec![];
        let mut cur = String::new();
        let mut quoted = false;
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    cur.push('"');
                }
                (true, '"') => quoted = false,
                (true, c) => cur.push(c),
                (false, '"') => quoted = true,
                (false, ',') => row.push(std::mem::take(&mut cur)),
                (false, '\r') if chars.peek() == Some(&'\n') => {
                    chars.next();
                    row.push(std::mem::take(&mut cur));
                    rows.push(std::mem::take(&mut row));
                }
                (false, c) => cur.push(c),
            }
        }
        rows
    }
}
