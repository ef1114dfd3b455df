//! Presentation shared by the faces (CLI and console): terminal Markdown,
//! ages and cut-to-width text, the `$EDITOR` hand-off. It knows nothing of
//! clap or ratatui, so neither face imports the other.

pub mod editor;
pub mod format;
pub mod markdown;
