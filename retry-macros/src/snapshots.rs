//! Expansion snapshots: every `tests/expand/*.rs` (other than `*.expanded.rs`) is expanded,
//! pretty-printed and compared with the `*.expanded.rs` next to it. The expanded files are whole
//! programs, also compiled and run by `tests/ui.rs`, so a snapshot can only be accepted if the code
//! it shows works.
//!
//! After an intended change to the expansion, rewrite the snapshots with
//! `RETRY_MACROS_BLESS=1 cargo test -p retry-macros --lib snapshots` and review the diff.

use std::fs;
use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::{Attribute, ImplItem, Item, Meta, UseTree};

/// Takes the `#[retry(..)]` attribute off `attrs`, returning its arguments.
fn take_retry(attrs: &mut Vec<Attribute>) -> Option<TokenStream> {
    let index = attrs.iter().position(|a| a.path().is_ident("retry"))?;
    let attr = attrs.remove(index);
    Some(match attr.meta {
        Meta::List(list) => list.tokens,
        _ => TokenStream::new(),
    })
}

/// Removes the import of `retry` from a use tree; `false` when nothing is left.
fn drop_retry_import(tree: &mut UseTree) -> bool {
    match tree {
        UseTree::Path(path) => drop_retry_import(&mut path.tree),
        UseTree::Name(name) => name.ident != "retry",
        UseTree::Group(group) => {
            let items = std::mem::take(&mut group.items);
            group.items = items
                .into_iter()
                .filter_map(|mut t| drop_retry_import(&mut t).then_some(t))
                .collect();
            !group.items.is_empty()
        }
        UseTree::Rename(_) | UseTree::Glob(_) => true,
    }
}

fn expand<T: syn::parse::Parse + ToTokens>(item: &mut T, args: TokenStream) {
    let output = crate::pipeline::retry_impl(args, item.to_token_stream());
    *item = syn::parse2(output).expect("the expansion parses back");
}

/// Expands every `#[retry]` in a file (free functions and methods) and pretty-prints it.
fn expand_file(source: &str) -> String {
    let mut file: syn::File = syn::parse_str(source).expect("the snapshot input parses");
    // `retry` is unused once the attribute is expanded.
    file.items.retain_mut(|item| match item {
        Item::Use(u) => drop_retry_import(&mut u.tree),
        _ => true,
    });
    for item in &mut file.items {
        match item {
            Item::Fn(f) => {
                if let Some(args) = take_retry(&mut f.attrs) {
                    expand(f, args);
                }
            }
            Item::Impl(block) => {
                for item in &mut block.items {
                    if let ImplItem::Fn(f) = item
                        && let Some(args) = take_retry(&mut f.attrs)
                    {
                        expand(f, args);
                    }
                }
            }
            _ => {}
        }
    }
    let header = "// @generated from the file of the same name without `.expanded`: do not edit.\n";
    format!("{header}{}", prettyplease::unparse(&file))
}

fn inputs() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/expand");
    let mut inputs: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("tests/expand exists")
        .map(|entry| entry.expect("readable directory").path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "rs")
                && !p.to_string_lossy().ends_with(".expanded.rs")
        })
        .collect();
    inputs.sort();
    inputs
}

#[test]
fn expansions_match_snapshots() {
    let bless = std::env::var_os("RETRY_MACROS_BLESS").is_some();
    let inputs = inputs();
    assert!(
        inputs.len() >= 3,
        "expected sync, async and method snapshots"
    );
    let mut stale = Vec::new();
    for input in inputs {
        let expanded = expand_file(&fs::read_to_string(&input).expect("readable input"));
        let snapshot = input.with_extension("expanded.rs");
        let current = fs::read_to_string(&snapshot).unwrap_or_default();
        if current != expanded {
            if bless {
                fs::write(&snapshot, &expanded).expect("writable snapshot");
            } else {
                stale.push(format!(
                    "{}:\n--- expected\n{current}\n--- actual\n{expanded}",
                    snapshot.display()
                ));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "expansions changed (RETRY_MACROS_BLESS=1 rewrites them):\n{}",
        stale.join("\n")
    );
}
