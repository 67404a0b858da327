//! The ingest run a store is in. Analysis reads the corpus's actor registry
//! (people earlier articles named), so what a document's analysis says
//! depends on which articles were stored before it. A run fixes that point
//! when it begins, and a run killed and started again reads the registry
//! from the same point: a resumed ingest analyses every document exactly as
//! an uninterrupted one would have.

use crate::{Store, StoreError};

/// One row while an ingest run is unfinished: the largest article id whose
/// people the run's registry holds.
pub(crate) const RUNS_TABLE: &str = "CREATE TABLE IF NOT EXISTS ingest_run (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    registry_upto INTEGER NOT NULL
);";

impl Store {
    /// Begins an ingest run, or resumes the one a killed process left
    /// unfinished. Returns the largest article id whose people the run's
    /// registry is to be built from: the articles stored when the run first
    /// began.
    pub fn begin_run(&mut self) -> Result<i64, StoreError> {
        let (conn, path) = self.connection_mut();
        let failed = |e: rusqlite::Error| StoreError::sqlite(path, "beginning an ingest run")(e);
        let tx = conn.transaction().map_err(failed)?;
        let unfinished: Option<i64> = tx
            .query_row(
                "SELECT registry_upto FROM ingest_run WHERE id = 1",
                [],
                |r| r.get(0),
            )
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                other => Err(other),
            })
            .map_err(failed)?;
        let upto = match unfinished {
            Some(upto) => upto,
            None => {
                let upto: i64 = tx
                    .query_row("SELECT coalesce(max(id), 0) FROM articles", [], |r| {
                        r.get(0)
                    })
                    .map_err(failed)?;
                tx.execute(
                    "INSERT INTO ingest_run (id, registry_upto) VALUES (1, ?1)",
                    [upto],
                )
                .map_err(failed)?;
                upto
            }
        };
        tx.commit().map_err(failed)?;
        Ok(upto)
    }

    /// Ends the run: the next ingest reads the registry of everything stored
    /// by then.
    pub fn end_run(&mut self) -> Result<(), StoreError> {
        let (conn, path) = self.connection_mut();
        conn.execute("DELETE FROM ingest_run", [])
            .map(|_| ())
            .map_err(StoreError::sqlite(path, "ending an ingest run"))
    }
}

#[cfg(test)]
mod tests {
    use chancery_model::{Analysis, Article};

    use crate::{Document, Store};

    fn document(id: &str, text: &str) -> Document {
        let article = Article {
            id: id.into(),
            external_id: Some(id.into()),
            text: text.into(),
            ..Article::default()
        };
        Document::new(Analysis::from_article(article)).unwrap()
    }

    #[test]
    fn a_resumed_run_keeps_the_point_its_first_start_fixed() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        store
            .write(&[document("a", "The first article of the corpus.")])
            .unwrap();
        assert_eq!(store.begin_run().unwrap(), 1);
        store
            .write(&[document("b", "A second article, stored within the run.")])
            .unwrap();
        drop(store);
        // Killed before the run ended: the next run resumes it.
        let mut store = Store::open(dir.path()).unwrap();
        assert_eq!(
            store.begin_run().unwrap(),
            1,
            "a resumed run keeps its point"
        );
        store.end_run().unwrap();
        assert_eq!(
            store.begin_run().unwrap(),
            2,
            "a new run starts from all stored"
        );
    }
}
