//! Strict parsers for the report formats (the csv crate is not a
//! dependency): any malformed line fails the test.

use std::collections::BTreeMap;

/// RFC 4180 CSV: quoted fields with doubled quotes, every row as wide as
/// the header. Returns the header and the rows.
pub fn csv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => {
                    quoted = false;
                    let next = chars.peek().copied();
                    assert!(
                        matches!(next, None | Some(',') | Some('\n')),
                        "text after a closing quote: {next:?}"
                    );
                }
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' => {
                assert!(at_start, "a quote inside an unquoted field: {field:?}");
                quoted = true;
            }
            ',' => {
                row.push(std::mem::take(&mut field));
                at_start = true;
                continue;
            }
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
                at_start = true;
                continue;
            }
            '\r' => panic!("bare CR in CSV"),
            c => field.push(c),
        }
        at_start = false;
    }
    assert!(!quoted, "unterminated quoted field");
    assert!(field.is_empty() && row.is_empty(), "the last line must end with a newline");
    assert!(!rows.is_empty(), "no header");
    let header = rows.remove(0);
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r.len(), header.len(), "row {i} has {} fields, the header {}", r.len(), header.len());
    }
    (header, rows)
}

/// The CSV as maps from column name to value, one per row.
pub fn csv_records(text: &str) -> Vec<BTreeMap<String, String>> {
    let (header, rows) = csv(text);
    let unique: std::collections::BTreeSet<&String> = header.iter().collect();
    assert_eq!(unique.len(), header.len(), "duplicate column names");
    rows.into_iter().map(|r| header.iter().cloned().zip(r).collect()).collect()
}

/// Splits a Markdown table line into cells at unescaped pipes and removes
/// backslash escapes.
fn md_cells(line: &str) -> Vec<String> {
    assert!(line.starts_with("| ") && line.ends_with(" |"), "not a table row: {line:?}");
    let inner = &line[2..line.len() - 2];
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let next = chars.next().expect("a backslash at the end of a cell");
                assert!(next.is_ascii_punctuation(), "backslash before {next:?}");
                cell.push(next);
            }
            '|' => {
                assert!(cell.ends_with(' '), "cell must end with a space: {line:?}");
                assert_eq!(chars.next(), Some(' '), "cell must start with a space: {line:?}");
                cells.push(cell.trim_end().to_string());
                cell.clear();
            }
            c => cell.push(c),
        }
    }
    cells.push(cell);
    cells
}

/// GitHub-flavoured Markdown tables under `## ` headings: the header, a
/// `|---|` separator as wide, then rows as wide. Returns heading -> rows
/// (the header row first). Any other line starting with `|` fails.
pub fn markdown_tables(text: &str) -> BTreeMap<String, Vec<Vec<String>>> {
    let mut out = BTreeMap::new();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.first().is_some_and(|l| l.starts_with("# ")), "no title");
    let mut heading = String::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if let Some(h) = line.strip_prefix("## ") {
            heading = h.to_string();
        } else if line.starts_with('|') {
            let header = md_cells(line);
            let sep = lines.get(i + 1).copied().unwrap_or("");
            assert_eq!(sep, format!("|{}", "---|".repeat(header.len())), "separator under {heading}");
            let mut rows = vec![header.clone()];
            i += 2;
            while i < lines.len() && lines[i].starts_with('|') {
                let row = md_cells(lines[i]);
                assert_eq!(row.len(), header.len(), "row width under {heading}: {:?}", lines[i]);
                rows.push(row);
                i += 1;
            }
            assert!(out.insert(heading.clone(), rows).is_none(), "two tables under {heading}");
            continue;
        }
        i += 1;
    }
    out
}

/// The terminal table: sections are a title line then columns separated by
/// two or more spaces (no cell holds two spaces in a row).
pub fn terminal_tables(text: &str) -> BTreeMap<String, Vec<Vec<String>>> {
    let mut out = BTreeMap::new();
    for block in text.split("\n\n").skip(1) {
        let mut lines = block.lines();
        let title = lines.next().unwrap().to_string();
        let rows: Vec<Vec<String>> = lines
            .map(|l| l.split("  ").map(str::trim).filter(|c| !c.is_empty()).map(String::from).collect())
            .collect();
        out.insert(title, rows);
    }
    out
}
