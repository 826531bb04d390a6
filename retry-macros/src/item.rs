//! The annotated function: parsed so that its body can be rewrapped, and its signature read for
//! what `#[retry]` needs to know (sync or async, what it returns, which arguments it owns).

use proc_macro2::TokenStream;
use quote::{ToTokens, TokenStreamExt};
use syn::parse::{Parse, ParseStream};
use syn::visit::Visit;
use syn::{
    Attribute, Block, Expr, FnArg, GenericArgument, Ident, Pat, PathArguments, ReturnType,
    Signature, Stmt, Token, Type, Visibility, token,
};

/// A function or method with a body (trait methods included), kept token for token.
pub struct ItemFn {
    pub outer_attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub sig: Signature,
    pub brace: token::Brace,
    pub inner_attrs: Vec<Attribute>,
    pub stmts: Vec<Stmt>,
}

impl Parse for ItemFn {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let outer_attrs = input.call(Attribute::parse_outer)?;
        let vis: Visibility = input.parse()?;
        let sig: Signature = input.parse()?;
        if input.peek(Token![;]) {
            return Err(syn::Error::new_spanned(
                &sig.ident,
                "`#[retry]` needs a function body to retry; put it on the implementation",
            ));
        }
        let content;
        let brace = syn::braced!(content in input);
        let inner_attrs = content.call(Attribute::parse_inner)?;
        let stmts = content.call(Block::parse_within)?;
        Ok(ItemFn {
            outer_attrs,
            vis,
            sig,
            brace,
            inner_attrs,
            stmts,
        })
    }
}

impl ToTokens for ItemFn {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.append_all(&self.outer_attrs);
        self.vis.to_tokens(tokens);
        self.sig.to_tokens(tokens);
        self.brace.surround(tokens, |tokens| {
            tokens.append_all(&self.inner_attrs);
            tokens.append_all(&self.stmts);
        });
    }
}

/// How the function runs its attempts.
pub enum Shape {
    /// A plain `fn`: attempts are closure calls, sleeps block.
    Sync,
    /// An `async fn`: attempts are async blocks awaited in place.
    Async,
    /// A plain `fn` whose body ends in an `async` block, possibly inside `Box::pin(..)`
    /// (`-> impl Future` and `async-trait` methods): the retry loop goes inside that block.
    AsyncBlock,
}

/// What the function returns, as far as `#[retry]` cares.
// Built once per annotated function; boxing the types would only add noise.
#[allow(clippy::large_enum_variant)]
pub enum Returns {
    /// `Result<T, E>` written out.
    Result { ty: Type, ok: Type, err: Type },
    /// `Result<T, RetryError<E>>`: the body is typed `Result<T, E>`.
    RetryError {
        ty: Type,
        ok: Type,
        err: Type,
        body_ty: Type,
    },
    /// Another type whose last path segment ends in `Result` (`io::Result<T>`, aliases).
    ResultLike { ty: Type },
    /// Anything else; `None` for `()` (no return type).
    Value { ty: Option<Type> },
    /// An async block whose output type could not be found in the signature.
    Unknown,
}

impl Returns {
    pub fn is_result(&self) -> bool {
        matches!(
            self,
            Returns::Result { .. } | Returns::RetryError { .. } | Returns::ResultLike { .. }
        )
    }
}

/// An argument bound by name (`x: T`, `mut x: T`).
pub struct NamedArg {
    pub ident: Ident,
    pub mutability: Option<Token![mut]>,
    pub borrowed: bool,
}

pub struct Analysis {
    pub shape: Shape,
    pub returns: Returns,
    pub args: Vec<NamedArg>,
}

pub fn analyze(item: &ItemFn) -> Analysis {
    let shape = if item.sig.asyncness.is_some() {
        Shape::Async
    } else if tail_async_block(&item.stmts).is_some() {
        Shape::AsyncBlock
    } else {
        Shape::Sync
    };
    let returns = match (&shape, &item.sig.output) {
        (Shape::AsyncBlock, output) => match future_output(output) {
            Some(ty) => classify(ty),
            None => Returns::Unknown,
        },
        (_, ReturnType::Default) => Returns::Value { ty: None },
        (_, ReturnType::Type(_, ty)) => classify((**ty).clone()),
    };
    let args = item
        .sig
        .inputs
        .iter()
        .filter_map(|arg| match arg {
            FnArg::Typed(pt) => match &*pt.pat {
                Pat::Ident(pi) => Some(NamedArg {
                    ident: pi.ident.clone(),
                    mutability: pi.mutability,
                    borrowed: matches!(&*pt.ty, Type::Reference(_)),
                }),
                _ => None,
            },
            FnArg::Receiver(_) => None,
        })
        .collect();
    Analysis {
        shape,
        returns,
        args,
    }
}

fn peel(ty: &Type) -> &Type {
    match ty {
        Type::Group(g) => peel(&g.elem),
        Type::Paren(p) => peel(&p.elem),
        other => other,
    }
}

/// Sorts a return type into the cases of [`Returns`].
pub fn classify(ty: Type) -> Returns {
    let Type::Path(path) = peel(&ty) else {
        return Returns::Value { ty: Some(ty) };
    };
    let Some(last) = path.path.segments.last() else {
        return Returns::Value { ty: Some(ty) };
    };
    if path.qself.is_some() || !last.ident.to_string().ends_with("Result") {
        return Returns::Value { ty: Some(ty) };
    }
    let types = match &last.arguments {
        PathArguments::AngleBracketed(args) => args
            .args
            .iter()
            .filter_map(|a| match a {
                GenericArgument::Type(t) => Some(t.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    if last.ident != "Result" || types.len() != 2 {
        return Returns::ResultLike { ty };
    }
    let (ok, err) = (types[0].clone(), types[1].clone());
    if let Some(inner) = retry_error_inner(&err) {
        let mut body_ty = ty.clone();
        replace_error_type(&mut body_ty, inner.clone());
        return Returns::RetryError {
            ty,
            ok,
            err: inner,
            body_ty,
        };
    }
    Returns::Result { ty, ok, err }
}

/// `E` in `RetryError<E>` (any path ending in `RetryError`).
fn retry_error_inner(ty: &Type) -> Option<Type> {
    let Type::Path(path) = peel(ty) else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != "RetryError" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    let mut types = args.args.iter().filter_map(|a| match a {
        GenericArgument::Type(t) => Some(t),
        _ => None,
    });
    match (types.next(), types.next()) {
        (Some(t), None) => Some(t.clone()),
        _ => None,
    }
}

/// In `Result<T, X>`, replaces `X`.
fn replace_error_type(ty: &mut Type, err: Type) {
    let mut ty = ty;
    while let Type::Group(_) | Type::Paren(_) = ty {
        ty = match ty {
            Type::Group(g) => &mut g.elem,
            Type::Paren(p) => &mut p.elem,
            _ => unreachable!(),
        };
    }
    if let Type::Path(path) = ty
        && let Some(last) = path.path.segments.last_mut()
        && let PathArguments::AngleBracketed(args) = &mut last.arguments
        && let Some(slot) = args
            .args
            .iter_mut()
            .filter(|a| matches!(a, GenericArgument::Type(_)))
            .nth(1)
    {
        *slot = GenericArgument::Type(err);
    }
}

/// `true` when the type can be written inside the body: no `impl Trait` and no `_`.
pub fn nameable(ty: &Type) -> bool {
    struct Finder(bool);
    impl<'ast> Visit<'ast> for Finder {
        fn visit_type_impl_trait(&mut self, _: &'ast syn::TypeImplTrait) {
            self.0 = false;
        }
        fn visit_type_infer(&mut self, _: &'ast syn::TypeInfer) {
            self.0 = false;
        }
        fn visit_type_macro(&mut self, _: &'ast syn::TypeMacro) {
            self.0 = false;
        }
    }
    let mut finder = Finder(true);
    finder.visit_type(ty);
    finder.0
}

/// The `X` of an `Output = X` binding in the return type (`impl Future<Output = X>`,
/// `Pin<Box<dyn Future<Output = X> + Send>>`).
fn future_output(output: &ReturnType) -> Option<Type> {
    struct Finder(Option<Type>);
    impl<'ast> Visit<'ast> for Finder {
        fn visit_assoc_type(&mut self, assoc: &'ast syn::AssocType) {
            if assoc.ident == "Output" && self.0.is_none() {
                self.0 = Some(assoc.ty.clone());
            }
            syn::visit::visit_assoc_type(self, assoc);
        }
    }
    let ReturnType::Type(_, ty) = output else {
        return None;
    };
    let mut finder = Finder(None);
    finder.visit_type(ty);
    finder.0
}

/// The `async` block at the end of the body, directly or as `Box::pin(async ..)`.
pub fn tail_async_block(stmts: &[Stmt]) -> Option<&syn::ExprAsync> {
    let Some(Stmt::Expr(tail, None)) = stmts.last() else {
        return None;
    };
    async_in(tail)
}

/// Mutable access to the same block.
pub fn tail_async_block_mut(stmts: &mut [Stmt]) -> Option<&mut syn::ExprAsync> {
    let Some(Stmt::Expr(tail, None)) = stmts.last_mut() else {
        return None;
    };
    async_in_mut(tail)
}

fn is_box_pin(func: &Expr) -> bool {
    let Expr::Path(path) = func else {
        return false;
    };
    let segments: Vec<String> = path
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    segments.ends_with(&["Box".to_owned(), "pin".to_owned()])
}

fn async_in(expr: &Expr) -> Option<&syn::ExprAsync> {
    match expr {
        Expr::Async(block) => Some(block),
        Expr::Call(call) if is_box_pin(&call.func) && call.args.len() == 1 => {
            match call.args.first() {
                Some(Expr::Async(block)) => Some(block),
                _ => None,
            }
        }
        _ => None,
    }
}

fn async_in_mut(expr: &mut Expr) -> Option<&mut syn::ExprAsync> {
    match expr {
        Expr::Async(block) => Some(block),
        Expr::Call(call) if is_box_pin(&call.func) && call.args.len() == 1 => {
            match call.args.first_mut() {
                Some(Expr::Async(block)) => Some(block),
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn returns(src: &str) -> &'static str {
        let item: ItemFn = syn::parse_str(src).unwrap();
        match analyze(&item).returns {
            Returns::Result { .. } => "result",
            Returns::RetryError { .. } => "retry-error",
            Returns::ResultLike { .. } => "result-like",
            Returns::Value { ty: None } => "unit",
            Returns::Value { .. } => "value",
            Returns::Unknown => "unknown",
        }
    }

    #[test]
    fn return_kinds() {
        assert_eq!(returns("fn f() -> Result<u8, E> {}"), "result");
        assert_eq!(returns("fn f() -> std::result::Result<u8, E> {}"), "result");
        assert_eq!(returns("fn f() -> io::Result<u8> {}"), "result-like");
        assert_eq!(returns("fn f() -> MyResult<u8> {}"), "result-like");
        assert_eq!(
            returns("fn f() -> Result<u8, RetryError<E>> {}"),
            "retry-error"
        );
        assert_eq!(
            returns("fn f() -> Result<u8, retry_core::RetryError<E>> {}"),
            "retry-error"
        );
        assert_eq!(returns("fn f() -> Option<u8> {}"), "value");
        assert_eq!(returns("fn f() {}"), "unit");
        assert_eq!(
            returns("fn f() -> impl Future<Output = Result<u8, E>> { async move { Ok(1) } }"),
            "result"
        );
        assert_eq!(
            returns(
                "fn f(&self) -> Pin<Box<dyn Future<Output = io::Result<u8>> + Send + '_>> { Box::pin(async move { Ok(1) }) }"
            ),
            "result-like"
        );
    }

    #[test]
    fn retry_error_body_type() {
        let Returns::RetryError { body_ty, .. } =
            classify(syn::parse_str("Result<u8, RetryError<io::Error>>").unwrap())
        else {
            panic!()
        };
        assert_eq!(
            body_ty.to_token_stream().to_string(),
            "Result < u8 , io :: Error >"
        );
    }

    #[test]
    fn nameability() {
        let t = |s: &str| nameable(&syn::parse_str(s).unwrap());
        assert!(t("Result<&str, E>"));
        assert!(!t("Result<impl Display, E>"));
        assert!(!t("Result<_, E>"));
    }

    #[test]
    fn shapes() {
        let shape = |s: &str| match analyze(&syn::parse_str(s).unwrap()).shape {
            Shape::Sync => "sync",
            Shape::Async => "async",
            Shape::AsyncBlock => "async-block",
        };
        assert_eq!(shape("fn f() {}"), "sync");
        assert_eq!(shape("async fn f() {}"), "async");
        assert_eq!(
            shape("fn f() -> impl Future { let a = 1; async move { a } }"),
            "async-block"
        );
        assert_eq!(
            shape("fn f() -> B { Box::pin(async move { 1 }) }"),
            "async-block"
        );
        assert_eq!(
            shape("fn f() -> B { std::boxed::Box::pin(async move { 1 }) }"),
            "async-block"
        );
        assert!(syn::parse_str::<ItemFn>("fn f();").is_err());
    }
}
