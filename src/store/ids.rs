//! The domain's id types bound and read as SQLite integers.

use crate::domain::{ArticleId, CannedId, TicketId, Version};
use rusqlite::types::{FromSql, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

macro_rules! sql_id {
    ($($name:ident),*) => {$(
        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.0))
            }
        }

        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                i64::column_result(value).map($name)
            }
        }
    )*};
}

sql_id!(TicketId, ArticleId, CannedId, Version);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_sqlite() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let back: TicketId = conn.query_row("SELECT ?1", [TicketId(12)], |r| r.get(0)).unwrap();
        assert_eq!(back, TicketId(12));
    }
}
