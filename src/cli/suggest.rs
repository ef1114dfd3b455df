//! `suggest TEXT`: deflection from the command line. Published articles
//! (internal ones marked) and similar solved tickets with how they were
//! solved, best first.

use super::output::{self, fit, safe};
use super::Invocation;
use crate::domain::Audience;
use crate::search::snippet::Snippet;
use crate::search::{SuggestContext, Suggestion, SuggestionKind};
use crate::Result;
use clap::Args;
use std::io::IsTerminal;

#[derive(Debug, Args)]
pub struct SuggestArgs {
    /// The problem, as the requester describes it.
    #[arg(required = true, num_args = 1..)]
    pub text: Vec<String>,
    /// The requester's school: answers used there rank a little higher.
    #[arg(long, value_name = "CODE")]
    pub school: Option<String>,
    /// The ticket's category: answers in it rank a little higher.
    #[arg(long)]
    pub category: Option<String>,
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
}

pub fn run(inv: &Invocation, args: SuggestArgs) -> Result<()> {
    let desk = inv.open()?;
    let ctx = SuggestContext { school: args.school, category: args.category };
    let list = desk.suggest(&args.text.join(" "), &ctx, args.limit)?;
    if inv.json {
        return output::json(&list);
    }
    if list.is_empty() {
        println!("No suggestions: nothing published or solved matches.");
        return Ok(());
    }
    print_suggestions(&list);
    Ok(())
}

/// Numbered suggestions, each with why it matched; for tickets, how it was
/// solved.
pub fn print_suggestions(list: &[Suggestion]) {
    for (i, s) in list.iter().enumerate() {
        let label = match s.kind {
            SuggestionKind::Article if s.audience == Some(Audience::Internal) => {
                format!("article #{}, INTERNAL - technicians only", s.id)
            }
            SuggestionKind::Article => format!("article #{}", s.id),
            SuggestionKind::Ticket => {
                format!("ticket #{}, {}, {}", s.id, s.status, s.school.as_deref().unwrap_or("-"))
            }
        };
        println!("{:>2}. [{label}] {}", i + 1, fit(&s.title, 80));
        if !s.snippet.text.is_empty() {
            println!("      {}", highlighted(&s.snippet));
        }
        if s.kind == SuggestionKind::Ticket {
            match &s.resolution {
                Some(r) => println!(
                    "      Solved with: {}",
                    fit(&r.split_whitespace().collect::<Vec<_>>().join(" "), 160)
                ),
                None => println!("      (no public resolution recorded)"),
            }
        }
    }
}

/// Colours and bold only for a real terminal, and never with NO_COLOR.
pub fn styled_output() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// The terminal's width, else $COLUMNS, else 80.
pub fn terminal_width() -> usize {
    if std::io::stdout().is_terminal() {
        if let Ok((w, _)) = crossterm::terminal::size() {
            return usize::from(w).max(30);
        }
    }
    std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()).filter(|&w: &usize| w >= 30).unwrap_or(80)
}

/// A snippet made terminal-safe, its matched words in bold on a terminal.
pub fn highlighted(s: &Snippet) -> String {
    let styled = styled_output();
    let mut out = String::new();
    let mut at = 0;
    for &(a, b) in &s.highlights {
        if a < at || b > s.text.len() || !s.text.is_char_boundary(a) || !s.text.is_char_boundary(b) {
            continue;
        }
        out.push_str(&safe(&s.text[at..a], false));
        if styled {
            out.push_str(&format!("\x1b[1m{}\x1b[0m", safe(&s.text[a..b], false)));
        } else {
            out.push_str(&safe(&s.text[a..b], false));
        }
        at = b;
    }
    out.push_str(&safe(&s.text[at..], false));
    out
}
