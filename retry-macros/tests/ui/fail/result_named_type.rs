//! A type named `..Result` is read as a `Result`; the error says how to retry it as a value.
use retry_core::retry;

pub struct SearchResult {
    pub hits: Vec<u32>,
}

#[retry(stop = attempts(3), retry = if_result(|r| r.hits.is_empty()))]
fn search() -> SearchResult {
    SearchResult { hits: vec![1] }
}

type Search = SearchResult;

#[retry(stop = attempts(3), wait = none, retry = if_result(|r| r.hits.is_empty()))]
fn search_through_alias() -> Search {
    SearchResult { hits: vec![1] }
}

fn main() {
    let _ = search();
    assert_eq!(search_through_alias().hits, [1]);
}
