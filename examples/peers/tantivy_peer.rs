//! The Tantivy peer: the articles (title, tags, category, body) indexed in
//! RAM, searched with one fuzzy term query per typed word (Levenshtein
//! distance 1 for 4-5 letters, 2 from 6, a transposition counting as one;
//! the last word as a fuzzy prefix, as typed), fields boosted like
//! deskside's bm25 weights.

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query};
use tantivy::schema::{Field, Schema, Value, FAST, STORED, TEXT};
use tantivy::{doc, IndexReader, TantivyDocument, Term};

pub struct Index {
    reader: IndexReader,
    id: Field,
    /// (field, boost)
    fields: Vec<(Field, f32)>,
}

impl Index {
    /// Indexes every published article of the corpus.
    pub fn build(db: &std::path::Path) -> Index {
        let mut sb = Schema::builder();
        let id = sb.add_u64_field("id", STORED | FAST);
        let title = sb.add_text_field("title", TEXT);
        let tags = sb.add_text_field("tags", TEXT);
        let category = sb.add_text_field("category", TEXT);
        let body = sb.add_text_field("body", TEXT);
        let index = tantivy::Index::create_in_ram(sb.build());
        let mut writer: tantivy::IndexWriter = index.writer(100_000_000).unwrap();
        let conn = rusqlite::Connection::open(db).unwrap();
        let mut stmt = conn
            .prepare("SELECT id, title, tags, coalesce(category, ''), body FROM articles WHERE status = 'published'")
            .unwrap();
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })
            .unwrap();
        for row in rows {
            let (i, t, g, c, b) = row.unwrap();
            writer
                .add_document(doc!(id => i as u64, title => t, tags => g, category => c, body => b))
                .unwrap();
        }
        writer.commit().unwrap();
        let reader = index.reader().unwrap();
        Index { reader, id, fields: vec![(title, 10.0), (tags, 6.0), (category, 2.0), (body, 1.0)] }
    }

    /// The best `limit` article ids for what was typed.
    pub fn search(&self, text: &str, limit: usize) -> Vec<u64> {
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (i, w) in words.iter().enumerate() {
            let distance = match w.chars().count() {
                0..=3 => 0,
                4..=5 => 1,
                _ => 2,
            };
            let last = i + 1 == words.len();
            for &(field, boost) in &self.fields {
                let term = Term::from_field_text(field, w);
                let q: Box<dyn Query> = if last {
                    Box::new(FuzzyTermQuery::new_prefix(term, distance, true))
                } else {
                    Box::new(FuzzyTermQuery::new(term, distance, true))
                };
                clauses.push((Occur::Should, Box::new(BoostQuery::new(q, boost))));
            }
        }
        if clauses.is_empty() {
            return Vec::new();
        }
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let top = searcher.search(&query, &TopDocs::with_limit(limit)).unwrap();
        top.into_iter()
            .filter_map(|(_, addr)| {
                let d: TantivyDocument = searcher.doc(addr).ok()?;
                d.get_first(self.id).and_then(|v| v.as_u64())
            })
            .collect()
    }
}
