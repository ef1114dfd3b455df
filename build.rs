//! Embeds the demo articles (assets/demo/articles/*.md) so `init --demo`
//! works from the single binary.

use std::fmt::Write;
use std::path::Path;

/// A missing asset or output directory fails the build with its message.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = Path::new("assets/demo/articles");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".md"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut out = String::from("/// (slug, file text) of every demo article, in file-name order.\npub const DEMO_ARTICLES: &[(&str, &str)] = &[\n");
    for n in &names {
        let path = std::fs::canonicalize(dir.join(n))?;
        println!("cargo:rerun-if-changed={}", path.display());
        let slug = n.trim_end_matches(".md");
        writeln!(out, "    ({slug:?}, include_str!({:?})),", path.display().to_string())?;
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR")?).join("demo_articles.rs");
    std::fs::write(dest, out)?;
    Ok(())
}
