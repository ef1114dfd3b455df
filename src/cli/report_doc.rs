//! A report as sections of rows, rendered as a terminal table, Markdown or
//! CSV. Text that came from the database (school names, categories) is
//! escaped for each format: terminal escapes made visible, Markdown
//! punctuation backslash-escaped, CSV quoted and guarded against formulas.

use super::output::{self, safe};

/// A cell: figures are `Num`, stored text is `Text` (escaped per format).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Num(String),
    Text(String),
}

impl Cell {
    pub fn num(v: impl ToString) -> Cell {
        Cell::Num(v.to_string())
    }
    pub fn text(v: impl Into<String>) -> Cell {
        Cell::Text(v.into())
    }
    fn raw(&self) -> &str {
        match self {
            Cell::Num(s) | Cell::Text(s) => s,
        }
    }
}

pub struct Section {
    pub title: String,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

pub struct Doc {
    pub title: String,
    pub sections: Vec<Section>,
    /// Definitions printed under the Markdown report.
    pub notes: Vec<&'static str>,
}

impl Doc {
    pub fn print_table(&self) {
        println!("{}", safe(&self.title, false));
        for s in &self.sections {
            println!();
            println!("{}", s.title);
            let rows: Vec<Vec<String>> =
                s.rows.iter().map(|r| r.iter().map(|c| safe(c.raw(), false)).collect()).collect();
            if rows.is_empty() {
                println!("(none)");
            } else {
                output::table(&s.headers, &rows);
            }
        }
    }

    pub fn markdown(&self) -> String {
        let mut out = format!("# {}\n", markdown_escape(&self.title));
        for s in &self.sections {
            out.push_str(&format!("\n## {}\n\n", s.title));
            out.push_str(&format!("| {} |\n", s.headers.join(" | ")));
            out.push_str(&format!("|{}\n", "---|".repeat(s.headers.len())));
            for row in &s.rows {
                let cells: Vec<String> = row
                    .iter()
                    .map(|c| match c {
                        Cell::Num(v) => v.clone(),
                        Cell::Text(v) => markdown_escape(v),
                    })
                    .collect();
                out.push_str(&format!("| {} |\n", cells.join(" | ")));
            }
        }
        if !self.notes.is_empty() {
            out.push('\n');
            for n in &self.notes {
                out.push_str(&format!("- {n}\n"));
            }
        }
        out
    }
}

/// Backslash-escapes the characters Markdown (and the HTML it becomes)
/// would act on; control characters and line breaks become spaces so a
/// cell stays one table cell.
pub fn markdown_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '&' | '!' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A CSV table (RFC 4180: comma separated, CRLF-free lines, quotes doubled).
pub struct Csv {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Csv {
    pub fn render(&self) -> String {
        let mut out = String::new();
        let line = |cells: Vec<String>| cells.join(",") + "\n";
        out.push_str(&line(self.headers.iter().map(|h| csv_field(h)).collect()));
        for row in &self.rows {
            out.push_str(&line(
                row.iter()
                    .map(|c| match c {
                        Cell::Num(v) => csv_field(v),
                        Cell::Text(v) => csv_field(&formula_guard(v)),
                    })
                    .collect(),
            ));
        }
        out
    }
}

fn csv_field(v: &str) -> String {
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.to_string()
    }
}

/// A spreadsheet runs a cell starting with = + - @ (or a tab or CR) as a
/// formula: stored text gets a leading apostrophe so it stays text.
pub fn formula_guard(v: &str) -> String {
    if v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{v}")
    } else {
        v.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_guards() {
        let csv = Csv {
            headers: vec!["a".into(), "b".into()],
            rows: vec![vec![Cell::text("=sum(a1),\"x\""), Cell::num(3)]],
        };
        assert_eq!(csv.render(), "a,b\n\"'=sum(a1),\"\"x\"\"\",3\n");
    }

    #[test]
    fn markdown_cells_cannot_break_the_table() {
        assert_eq!(markdown_escape("a|b<i>\n"), "a\\|b\\<i\\> ");
    }
}
