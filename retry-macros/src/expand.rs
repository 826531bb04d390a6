//! Code generation: the function's body becomes a plain loop over `retry_core`'s engine.
//!
//! ```text
//! let __policy = Retrying::new().stop(..).wait(..).retry(..).name("f");
//! let mut __engine = Engine::<_, T, E>::new(&__policy).describe_errors_with(..);
//! // or, when every key is a literal: Engine::<_, T, E>::new(const { &const_policy(..) })
//! loop {
//!     __engine.before_attempt();
//!     let __value = (|| -> R { body })();            // async: attempt::<R, _>(async { body }).await
//!     let __delay = match __engine.on_outcome(__value) {
//!         Step::Retry(delay) => delay,
//!         Step::Done(outcome) => return outcome,
//!     };
//!     __engine.sleep_blocking(__delay);                // async: __engine.sleep(__delay).await
//! }
//! ```
//!
//! The body runs as a closure call (sync) or an async block awaited in place, so `return` and
//! `?` end the attempt, not the function. Nothing is boxed or allocated; no outcome is held
//! across an `.await` (so the future is `Send` whenever the body's is).
//!
//! A policy whose keys are all literals (bare `#[retry]`, `stop = attempts(3) | after_delay(5s)`,
//! `wait = exponential(1, 2, 10)`, `retry = transient`, `timeout = 30s`) is built at compile
//! time, in a `const` block, and borrowed: a call neither builds it on the stack nor keeps it in
//! its future. Hooks, `sleep`, expressions and the `+`, `!` and retry-condition operators (trait
//! impls, which a `const` block cannot call) build it at run time, in the function.

use proc_macro2::{Literal, Span, TokenStream};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::{Expr, FnArg, Ident, Pat, Path, Stmt, Type};

use crate::dsl::{BinOp, Position};
use crate::item::{ItemFn, Returns, Shape, nameable, tail_async_block_mut};
use crate::lit::DurationLit;
use crate::valid::{Arg, BuiltPolicy, Hooks, Model, Node, PolicySource};

/// The types the generated code names, `_` where the signature does not spell them out.
struct Types {
    /// `T` of the engine's `Result<T, E>`.
    ok: TokenStream,
    /// `E` of the engine's `Result<T, E>`.
    err: TokenStream,
    /// The type of one attempt's value (the body's type), if it can be written.
    attempt: Option<TokenStream>,
    /// What the function (or its future) returns, if it can be written.
    output: Option<TokenStream>,
    /// Whether errors can be described in events (`E` named and not `Infallible`).
    describe: bool,
}

/// How an attempt's value becomes the engine's outcome, and the outcome the function's value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Conversion {
    /// A `Result` as it is.
    Identity,
    /// Through `ResultLike` (`io::Result<T>`, aliases, unknown types).
    ResultLike,
    /// A value `v` as `Ok::<_, Infallible>(v)`.
    Value,
    /// `Result<T, E>` in, `Result<T, RetryError<E>>` out.
    RetryError,
}

fn infer() -> TokenStream {
    quote!(_)
}

fn types(returns: &Returns, krate: &Path) -> (Types, Conversion) {
    let named = |ty: &Type| nameable(ty).then(|| ty.to_token_stream());
    match returns {
        Returns::Result { ty, ok, err } => (
            Types {
                ok: named(ok).unwrap_or_else(infer),
                err: named(err).unwrap_or_else(infer),
                attempt: named(ty),
                output: named(ty),
                describe: nameable(err),
            },
            Conversion::Identity,
        ),
        Returns::RetryError {
            ty,
            ok,
            err,
            body_ty,
        } => (
            Types {
                ok: named(ok).unwrap_or_else(infer),
                err: named(err).unwrap_or_else(infer),
                attempt: named(body_ty),
                output: named(ty),
                describe: nameable(err),
            },
            Conversion::RetryError,
        ),
        Returns::ResultLike { ty } => {
            let (ok, err) = if nameable(ty) {
                (
                    quote!(<#ty as #krate::__private::ResultLike>::Ok),
                    quote!(<#ty as #krate::__private::ResultLike>::Err),
                )
            } else {
                (infer(), infer())
            };
            (
                Types {
                    ok,
                    err,
                    attempt: named(ty),
                    output: named(ty),
                    describe: nameable(ty),
                },
                Conversion::ResultLike,
            )
        }
        Returns::Value { ty } => {
            let ty = match ty {
                Some(ty) => named(ty),
                None => Some(quote!(())),
            };
            (
                Types {
                    ok: ty.clone().unwrap_or_else(infer),
                    err: quote!(#krate::__private::Infallible),
                    attempt: ty.clone(),
                    output: ty,
                    describe: false,
                },
                Conversion::Value,
            )
        }
        Returns::Unknown => (
            Types {
                ok: infer(),
                err: infer(),
                attempt: None,
                output: None,
                describe: false,
            },
            Conversion::ResultLike,
        ),
    }
}

/// Names used by the generated code, resolved at the macro's definition site so they never
/// clash with the user's.
struct Locals {
    policy: Ident,
    budget: Ident,
    engine: Ident,
    value: Ident,
    delay: Ident,
    outcome: Ident,
}

impl Locals {
    fn new() -> Self {
        let span = Span::mixed_site();
        Locals {
            policy: Ident::new("__policy", span),
            budget: Ident::new("__budget", span),
            engine: Ident::new("__engine", span),
            value: Ident::new("__value", span),
            delay: Ident::new("__delay", span),
            outcome: Ident::new("__outcome", span),
        }
    }
}

struct Generator<'a> {
    model: &'a Model,
    krate: &'a Path,
    types: Types,
    conversion: Conversion,
    locals: Locals,
    /// The policy is built at compile time ([`is_constant`]).
    constant: bool,
}

/// The function with its body replaced by the retry loop.
pub fn expand(model: Model, mut item: ItemFn) -> TokenStream {
    let krate = &model.krate;
    let (types, conversion) = types(&model.analysis.returns, krate);
    let generator = Generator {
        model: &model,
        krate,
        types,
        conversion,
        locals: Locals::new(),
        constant: is_constant(&model.policy),
    };

    // Cloned arguments are rebound (mutably, if they were) for each attempt; the parameter
    // itself is only read.
    for input in item.sig.inputs.iter_mut() {
        if let FnArg::Typed(pt) = input
            && let Pat::Ident(pi) = &mut *pt.pat
            && model.clones.iter().any(|c| c.ident == pi.ident)
        {
            pi.mutability = None;
        }
    }

    match model.analysis.shape {
        Shape::Sync | Shape::Async => {
            let is_async = matches!(model.analysis.shape, Shape::Async);
            let body = std::mem::take(&mut item.stmts);
            let retried = generator.retry_loop(&body, is_async);
            item.stmts = vec![Stmt::Expr(Expr::Verbatim(retried), None)];
        }
        Shape::AsyncBlock => {
            if let Some(block) = tail_async_block_mut(&mut item.stmts) {
                let stmts = std::mem::take(&mut block.block.stmts);
                block.block.stmts = generator.instrument_async_block(stmts);
            }
        }
    }
    item.into_token_stream()
}

impl Generator<'_> {
    /// Keeps an async block's setup (`let x = x;` rebindings, async-trait's type hint) outside
    /// the loop and retries the rest.
    fn instrument_async_block(&self, stmts: Vec<Stmt>) -> Vec<Stmt> {
        let setup = stmts.iter().take_while(|s| is_setup(s)).count();
        let mut stmts = stmts;
        let rest = stmts.split_off(setup);
        let mut out = stmts;

        // async-trait wraps the body as `let __ret: R = { body }; __ret`: retry the body. The
        // loop leaves with `return`, so the binding would never be read.
        let body = match rest.as_slice() {
            [Stmt::Local(local), Stmt::Expr(Expr::Path(tail), None)]
                if is_ret_binding(local, tail) =>
            {
                match local.init.as_ref().map(|init| &*init.expr) {
                    Some(Expr::Block(block)) => block.block.stmts.clone(),
                    _ => rest,
                }
            }
            _ => rest,
        };
        let retried = self.retry_loop(&body, true);
        out.push(Stmt::Expr(Expr::Verbatim(retried), None));
        out
    }

    fn retry_loop(&self, body: &[Stmt], is_async: bool) -> TokenStream {
        let Locals {
            policy,
            budget,
            engine,
            value,
            delay,
            outcome,
        } = &self.locals;
        let krate = self.krate;
        let model = self.model;
        let Types { ok, err, .. } = &self.types;

        let budget_let = model.budget.as_ref().map(|b| quote!(let #budget = #b;));
        let policy_value = self.policy();
        let describe = self.types.describe.then(|| {
            quote! {
                .describe_errors_with({
                    #[allow(unused_imports)]
                    use #krate::__private::{
                        DescribeWithDebug as _, DescribeWithDisplay as _, DescribeWithNothing as _,
                    };
                    (&&&#krate::__private::DescribeProbe::<#err>::new()).describer()
                })
            }
        });
        let with_budget = model
            .budget
            .as_ref()
            .map(|_| quote!(.with_budget(&#budget)));
        let measure = (self.conversion == Conversion::RetryError || model.on_exhausted.is_some())
            .then(|| quote!(.measure_from_start()));

        let clones = model.clones.iter().map(|c| {
            let (ident, mutability) = (&c.ident, &c.mutability);
            quote!(let #mutability #ident = ::core::clone::Clone::clone(&#ident);)
        });

        let uses_guard = is_async
            && match &model.policy {
                PolicySource::Expr(_) => true,
                PolicySource::Built(built) => built.timeout.is_some(),
            };
        // A return type the body cannot name is pinned by a return edge that is never taken.
        let return_edge = (self.types.attempt.is_none()
            && self.conversion != Conversion::RetryError
            && !uses_guard)
            .then(|| {
                quote! {
                    if false {
                        return #value;
                    }
                }
            });

        let (attempt_and_outcome, sleep) = if is_async {
            let attempt = match &self.types.attempt {
                Some(ty) => quote!(#krate::__private::attempt::<#ty, _>(async { #(#body)* })),
                None => quote!(async { #(#body)* }),
            };
            let sleep = quote!(#engine.sleep(#delay).await;);
            if uses_guard {
                let fut = if self.conversion == Conversion::Identity
                    || self.conversion == Conversion::RetryError
                {
                    attempt
                } else {
                    let into = self.outcome_of(quote!(#attempt.await));
                    quote!(async { #into })
                };
                (
                    quote! {
                        let #value = #engine.guard_attempt(#fut).await;
                        let #value = #engine.finish_attempt(#value);
                    },
                    sleep,
                )
            } else {
                let into = self.rebind_outcome();
                (
                    quote! {
                        let #value = #attempt.await;
                        #return_edge
                        #into
                    },
                    sleep,
                )
            }
        } else {
            let ret = self.types.attempt.as_ref().map(|ty| quote!(-> #ty));
            let into = self.rebind_outcome();
            let sleep_span = match &model.policy {
                PolicySource::Built(built) => built
                    .sleep
                    .as_ref()
                    .map_or_else(Span::call_site, syn::spanned::Spanned::span),
                PolicySource::Expr(_) => Span::call_site(),
            };
            (
                quote! {
                    #[allow(clippy::redundant_closure_call)]
                    let #value = (|| #ret { #(#body)* })();
                    #return_edge
                    #into
                },
                quote_spanned!(sleep_span=> #engine.sleep_blocking(#delay);),
            )
        };

        let done = self.finish(outcome);
        let (policy_let, policy_ref) = if self.constant {
            (None, quote!(const { &#policy_value }))
        } else {
            (Some(quote!(let #policy = #policy_value;)), quote!(&#policy))
        };
        quote! {
            #budget_let
            #policy_let
            let mut #engine = #krate::__private::Engine::<_, #ok, #err>::new(#policy_ref)
                #describe
                #with_budget
                #measure;
            loop {
                #engine.before_attempt();
                #(#clones)*
                #attempt_and_outcome
                let #delay = match #engine.on_outcome(#value) {
                    #krate::__private::Step::Retry(#delay) => #delay,
                    #krate::__private::Step::Done(#outcome) => #done,
                };
                #sleep
            }
        }
    }

    /// Rebinds `__value` as the engine's outcome, unless it already is one.
    fn rebind_outcome(&self) -> Option<TokenStream> {
        let value = &self.locals.value;
        match self.conversion {
            Conversion::Identity | Conversion::RetryError => None,
            _ => {
                let into = self.outcome_of(value.to_token_stream());
                Some(quote!(let #value = #into;))
            }
        }
    }

    /// An attempt's value as the engine's `Result<T, E>`.
    fn outcome_of(&self, value: TokenStream) -> TokenStream {
        let krate = self.krate;
        match self.conversion {
            Conversion::Identity | Conversion::RetryError => value,
            Conversion::ResultLike => match &self.types.attempt {
                Some(ty) => quote!(<#ty as #krate::__private::ResultLike>::into_result(#value)),
                None => quote!(#krate::__private::ResultLike::into_result(#value)),
            },
            Conversion::Value => {
                quote!(#krate::__private::Ok::<_, #krate::__private::Infallible>(#value))
            }
        }
    }

    /// The arm taken when the engine is done: `return` the function's value.
    fn finish(&self, outcome: &Ident) -> TokenStream {
        let krate = self.krate;
        let engine = &self.locals.engine;
        let value = match self.conversion {
            Conversion::Identity => quote!(#outcome),
            Conversion::ResultLike => match &self.types.output {
                Some(ty) => quote!(<#ty as #krate::__private::ResultLike>::from_result(#outcome)),
                None => quote!(#krate::__private::ResultLike::from_result(#outcome)),
            },
            Conversion::Value => quote!(#krate::__private::into_value(#outcome)),
            Conversion::RetryError => quote! {
                match #outcome {
                    #krate::__private::Ok(value) => #krate::__private::Ok(value),
                    #krate::__private::Err(error) => #krate::__private::Err(#engine.retry_error(error)),
                }
            },
        };
        // The loop is left with `return`, not `break`: with a `break` in the loop, rustc answers a
        // by-value argument moved in the body with a misleading "move the expression out of the
        // loop" suggestion.
        match &self.model.on_exhausted {
            None => quote!(return #value),
            Some(hook) => {
                let Types { ok, err, .. } = &self.types;
                let output = self.types.output.clone().unwrap_or_else(infer);
                quote! {
                    {
                        if #engine.is_exhausted() {
                            return (#krate::__private::on_exhausted::<#ok, #err, #output, _>(#hook))(
                                #engine.into_state(#outcome),
                            );
                        }
                        return #value;
                    }
                }
            }
        }
    }

    /// The policy value: built from the keys, or the user's expression.
    fn policy(&self) -> TokenStream {
        let krate = self.krate;
        let Types { ok, err, .. } = &self.types;
        let built = match &self.model.policy {
            PolicySource::Expr(expr) => return expr.to_token_stream(),
            PolicySource::Built(built) => &**built,
        };
        if self.constant {
            return self.const_policy(built);
        }
        let BuiltPolicy {
            stop,
            wait,
            retry,
            hooks,
            sleep,
            timeout,
            name,
        } = built;
        let mut out = quote!(#krate::__private::Retrying::new());
        if let Some((_, stop)) = stop {
            let stop = self.node(stop, Position::Stop);
            out.extend(quote!(.stop(#stop)));
        }
        // Wait strategies and retry conditions depend on the outcome types: each is pinned to
        // them where the key is written, so one that does not fit is reported there, once.
        // The pin and the builder call share one span (the value when it is a single word, the key
        // otherwise), so the compiler reports a mismatch there once.
        if let Some((key, wait)) = wait {
            let span = focus(wait, *key);
            let wait = self.node(wait, Position::Wait);
            let pin = respan(
                quote!(#krate::__private::wait_strategy::<#ok, #err, _>),
                span,
            );
            out.extend(quote_spanned!(span=> .wait(#pin(#wait))));
        }
        if let Some((key, retry)) = retry {
            let span = focus(retry, *key);
            let retry = self.node(retry, Position::Retry);
            let pin = respan(
                quote!(#krate::__private::retry_condition::<#ok, #err, _>),
                span,
            );
            out.extend(quote_spanned!(span=> .retry(#pin(#retry))));
        }
        let Hooks {
            before,
            after,
            before_sleep,
        } = hooks;
        for (method, hook) in [
            ("before", before),
            ("after", after),
            ("before_sleep", before_sleep),
        ] {
            if let Some(hook) = hook {
                let method = Ident::new(method, Span::call_site());
                let pin = match hook {
                    Expr::Closure(_) => quote!(#krate::__private::hook::<#ok, #err, _>),
                    _ => quote!(#krate::__private::any_hook::<#ok, #err, _>),
                };
                let pin = respan(pin, syn::spanned::Spanned::span(hook));
                out.extend(quote!(.#method(#pin(#hook))));
            }
        }
        if let Some(sleep) = sleep {
            out.extend(quote!(.sleeper(#sleep)));
        }
        if let Some((span, timeout)) = timeout {
            let timeout = self.duration_arg(timeout);
            let check = quote_spanned!(*span=> #krate::__private::attempt_timeout::<#err>);
            out.extend(quote!(.timeout(#check(#timeout))));
        }
        out.extend(quote!(.name(#name)));
        out
    }

    /// `const_policy(stop, wait, retry, timeout, name)` for a policy of literals, each part pinned
    /// where its key is written, as in [`Self::policy`].
    fn const_policy(&self, built: &BuiltPolicy) -> TokenStream {
        let krate = self.krate;
        let Types { ok, err, .. } = &self.types;
        let private = quote!(#krate::__private);
        let stop = match &built.stop {
            Some((_, stop)) => self.node(stop, Position::Stop),
            None => quote!(#private::DEFAULT_STOP),
        };
        let pinned = |part: &Option<(Span, Node)>, position, pin: TokenStream| {
            part.as_ref().map(|(key, node)| {
                let span = focus(node, *key);
                let value = self.node(node, position);
                let pin = respan(pin, span);
                quote_spanned!(span=> #pin(#value))
            })
        };
        let wait = pinned(
            &built.wait,
            Position::Wait,
            quote!(#private::wait_strategy::<#ok, #err, _>),
        )
        .unwrap_or_else(|| quote!(#private::DEFAULT_WAIT));
        let retry = pinned(
            &built.retry,
            Position::Retry,
            quote!(#private::retry_condition::<#ok, #err, _>),
        )
        .unwrap_or_else(|| quote!(#private::condition::on_error()));
        let timeout = match &built.timeout {
            Some((span, timeout)) => {
                let timeout = self.duration_arg(timeout);
                let check = quote_spanned!(*span=> #private::attempt_timeout::<#err>);
                quote!(#private::Timeout::new(::core::option::Option::Some(#check(#timeout))))
            }
            None => quote!(#private::NoTimeout),
        };
        let name = &built.name;
        quote!(#private::const_policy(#stop, #wait, #retry, #timeout, #name))
    }

    /// A duration argument where a `Duration` is required.
    fn duration_arg(&self, arg: &Arg) -> TokenStream {
        let krate = self.krate;
        match arg {
            Arg::Expr(expr) => quote!(#krate::__private::IntoDuration::into_duration(#expr)),
            other => self.arg(other),
        }
    }

    fn arg(&self, arg: &Arg) -> TokenStream {
        let krate = self.krate;
        match arg {
            Arg::Duration(d, span) => duration(krate, *d, *span),
            Arg::Count(n, span) => {
                let mut lit = Literal::u32_unsuffixed(*n);
                lit.set_span(*span);
                lit.into_token_stream()
            }
            Arg::Number(n, span) => {
                let mut lit = Literal::f64_unsuffixed(*n);
                lit.set_span(*span);
                lit.into_token_stream()
            }
            Arg::Expr(expr) => expr.to_token_stream(),
            Arg::Wait(node) => self.node(node, Position::Wait),
            Arg::Absent => quote!(()),
        }
    }

    /// A strategy expression. Every generated token carries a span from the user's expression,
    /// so the compiler can point at the whole expression (or the offending word) in errors.
    fn node(&self, node: &Node, position: Position) -> TokenStream {
        match node {
            Node::Binary { lhs, op, rhs } if self.constant => {
                let krate = self.krate;
                let (lhs, rhs) = (self.node(lhs, position), self.node(rhs, position));
                let op_span = syn::spanned::Spanned::span(op);
                let function = match op {
                    BinOp::Or(_) => quote_spanned!(op_span=> #krate::__private::stop::any),
                    _ => quote_spanned!(op_span=> #krate::__private::stop::all),
                };
                quote_spanned!(op_span=> #function(#lhs, #rhs))
            }
            Node::Binary { lhs, op, rhs } => {
                let op_span = syn::spanned::Spanned::span(op);
                let wrap = |child: &Node, tighter: bool| {
                    let tokens = self.node(child, position);
                    match child {
                        Node::Binary { op: child_op, .. }
                            if precedence(child_op) < precedence(op)
                                || (tighter && precedence(child_op) == precedence(op)) =>
                        {
                            quote_spanned!(op_span=> (#tokens))
                        }
                        _ => tokens,
                    }
                };
                let (lhs, rhs) = (wrap(lhs, false), wrap(rhs, true));
                quote!(#lhs #op #rhs)
            }
            Node::Not { bang, inner } => {
                let tokens = self.node(inner, position);
                match **inner {
                    Node::Binary { .. } => quote_spanned!(bang.span=> #bang (#tokens)),
                    _ => quote!(#bang #tokens),
                }
            }
            Node::Raw(expr) => {
                let span = syn::spanned::Spanned::span(expr);
                quote_spanned!(span=> (#expr))
            }
            Node::Leaf {
                name,
                strategy,
                args,
                paren,
            } => self.leaf(name, strategy.name, position, args, *paren),
        }
    }

    fn leaf(
        &self,
        name: &Ident,
        strategy: &str,
        position: Position,
        args: &[Arg],
        paren: Option<Span>,
    ) -> TokenStream {
        let krate = self.krate;
        let Types { ok, err, .. } = &self.types;
        let span = name.span();
        let paren = paren.unwrap_or(span);
        let a: Vec<TokenStream> = args.iter().map(|arg| self.arg(arg)).collect();
        let given = |index: usize| !matches!(args.get(index), Some(Arg::Absent) | None);
        let function = Ident::new(strategy, span);
        // The function's path and turbofish, then its arguments in the user's parentheses.
        let (path, call_args, suffix) = match (position, strategy) {
            (Position::Stop, _) => (
                quote!(#krate::__private::stop::#function),
                quote!(#(#a),*),
                None,
            ),
            (Position::Wait, "chain") => (
                quote!(#krate::__private::wait::chain),
                quote_spanned!(paren=> (#(#a,)*)),
                None,
            ),
            (Position::Wait, "exponential" | "random_exponential" | "exponential_jitter") => {
                let (a0, a1, a2) = (&a[0], &a[1], &a[2]);
                let base = given(3).then(|| {
                    let b = &a[3];
                    quote_spanned!(paren=> .base(#b))
                });
                (
                    quote!(#krate::__private::wait::#function),
                    quote!(#a0, #a1, #a2),
                    base,
                )
            }
            (Position::Wait, "retry_after") => {
                let fallback = &a[0];
                let cap = given(1).then(|| {
                    let c = &a[1];
                    quote_spanned!(paren=> .cap(#c))
                });
                (
                    quote!(#krate::__private::wait::retry_after),
                    quote!(#fallback),
                    cap,
                )
            }
            (Position::Wait, "from_fn") => (
                quote!(#krate::__private::wait_fn::<#ok, #err, _>),
                quote!(#(#a),*),
                None,
            ),
            (Position::Wait, _) => (
                quote!(#krate::__private::wait::#function),
                quote!(#(#a),*),
                None,
            ),
            (Position::Retry, "if_error") => (
                quote!(#krate::__private::condition::if_error::<#err, _>),
                quote!(#(#a),*),
                None,
            ),
            (Position::Retry, "if_result" | "if_not_result") => (
                quote!(#krate::__private::condition::#function::<#ok, _>),
                quote!(#(#a),*),
                None,
            ),
            (Position::Retry, "retry_if") => (
                quote!(#krate::__private::condition::retry_if::<#ok, #err, _>),
                quote!(#(#a),*),
                None,
            ),
            (Position::Retry, _) => (
                quote!(#krate::__private::condition::#function),
                quote!(#(#a),*),
                None,
            ),
        };
        // In a `const` block, the strategies taking durations are built by their types' `const fn
        // new`, which takes the same arguments as the function (`Duration`s instead of
        // `impl IntoDuration`).
        let path = match const_constructor(position, strategy).filter(|_| self.constant) {
            Some(ty) => {
                let module = match position {
                    Position::Stop => "stop",
                    _ => "wait",
                };
                let (module, ty) = (Ident::new(module, span), Ident::new(ty, span));
                quote!(#krate::__private::#module::#ty::new)
            }
            None => path,
        };
        let path = respan(path, span);
        let call = quote_spanned!(paren=> #path(#call_args));
        quote!(#call #suffix)
    }
}

/// The type whose `const fn new` builds a strategy that takes durations, where the public
/// constructor (`fixed(d: impl IntoDuration)`) cannot run in a `const` block.
fn const_constructor(position: Position, strategy: &str) -> Option<&'static str> {
    Some(match (position, strategy) {
        (Position::Stop, "after_delay") => "AfterDelay",
        (Position::Stop, "before_delay") => "BeforeDelay",
        (Position::Wait, "fixed") => "Fixed",
        (Position::Wait, "random") => "Random",
        (Position::Wait, "incrementing") => "Incrementing",
        (Position::Wait, "exponential") => "Exponential",
        (Position::Wait, "random_exponential") => "RandomExponential",
        (Position::Wait, "exponential_jitter") => "ExponentialJitter",
        (Position::Wait, "equal_jitter") => "EqualJitter",
        (Position::Wait, "decorrelated_jitter") => "DecorrelatedJitter",
        _ => return None,
    })
}

/// Whether the policy can be built in a `const` block: built from keys, no hooks and no `sleep`,
/// every argument a literal, every strategy one with a `const` constructor, and no operator but
/// the stop strategies' `|` and `&` (`stop::any`, `stop::all`).
fn is_constant(policy: &PolicySource) -> bool {
    let PolicySource::Built(built) = policy else {
        return false;
    };
    let Hooks {
        before,
        after,
        before_sleep,
    } = &built.hooks;
    before.is_none()
        && after.is_none()
        && before_sleep.is_none()
        && built.sleep.is_none()
        && built
            .timeout
            .as_ref()
            .is_none_or(|(_, arg)| matches!(arg, Arg::Duration(..)))
        && [
            (&built.stop, Position::Stop),
            (&built.wait, Position::Wait),
            (&built.retry, Position::Retry),
        ]
        .into_iter()
        .all(|(part, position)| {
            part.as_ref()
                .is_none_or(|(_, node)| constant_node(node, position))
        })
}

fn constant_node(node: &Node, position: Position) -> bool {
    match node {
        Node::Binary { lhs, op, rhs } => {
            position == Position::Stop
                && !matches!(op, BinOp::Add(_))
                && constant_node(lhs, position)
                && constant_node(rhs, position)
        }
        Node::Not { .. } | Node::Raw(_) => false,
        Node::Leaf { strategy, args, .. } => {
            let literal_args = args.iter().all(|arg| match arg {
                Arg::Duration(..) | Arg::Count(..) | Arg::Number(..) => true,
                Arg::Wait(node) => constant_node(node, Position::Wait),
                Arg::Absent => true,
                Arg::Expr(_) => false,
            });
            let constructor = match (position, strategy.name) {
                // `retry_after(w)` is a `const fn`; its `cap` takes any duration type.
                (Position::Wait, "retry_after") => args.len() < 2 || matches!(args[1], Arg::Absent),
                (Position::Stop, "attempts" | "never") => true,
                (Position::Wait, "none" | "chain") => true,
                (Position::Retry, "transient" | "on_error" | "always" | "never") => true,
                _ => const_constructor(position, strategy.name).is_some(),
            };
            literal_args && constructor
        }
    }
}

/// Where errors about a whole strategy expression point: the word itself when the expression
/// is a single word, the key otherwise.
fn focus(node: &Node, key: Span) -> Span {
    match node {
        Node::Leaf { name, .. } => name.span(),
        _ => key,
    }
}

/// `tokens` with every span (delimiters included) replaced by `span`.
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tt| {
            match &mut tt {
                proc_macro2::TokenTree::Group(group) => {
                    let mut inner =
                        proc_macro2::Group::new(group.delimiter(), respan(group.stream(), span));
                    inner.set_span(span);
                    *group = inner;
                }
                other => other.set_span(span),
            }
            tt
        })
        .collect()
}

/// `let __ret: R = { .. };` followed by `__ret` (async-trait's shape).
fn is_ret_binding(local: &syn::Local, tail: &syn::ExprPath) -> bool {
    matches!(&local.pat, Pat::Type(pt) if matches!(&*pt.pat, Pat::Ident(b) if tail.path.is_ident(&b.ident)))
        && local
            .init
            .as_ref()
            .is_some_and(|init| init.diverge.is_none() && matches!(&*init.expr, Expr::Block(_)))
}

fn precedence(op: &BinOp) -> u8 {
    match op {
        BinOp::Or(_) => 1,
        BinOp::And(_) => 2,
        BinOp::Add(_) => 3,
    }
}

/// A checked duration as the shortest exact constructor call.
fn duration(krate: &Path, d: DurationLit, span: Span) -> TokenStream {
    let nanos = d.0.as_nanos();
    let (constructor, amount) = if nanos.is_multiple_of(1_000_000_000) {
        ("from_secs", nanos / 1_000_000_000)
    } else if nanos.is_multiple_of(1_000_000) {
        ("from_millis", nanos / 1_000_000)
    } else if nanos.is_multiple_of(1_000) {
        ("from_micros", nanos / 1_000)
    } else if let Ok(n) = u64::try_from(nanos) {
        ("from_nanos", u128::from(n))
    } else {
        let (secs, sub) = (
            Literal::u64_unsuffixed(d.0.as_secs()),
            Literal::u32_unsuffixed(d.0.subsec_nanos()),
        );
        return respan(quote!(#krate::__private::Duration::new(#secs, #sub)), span);
    };
    let constructor = format_ident!("{}", constructor);
    let amount = Literal::u128_unsuffixed(amount);
    respan(
        quote!(#krate::__private::Duration::#constructor(#amount)),
        span,
    )
}

/// A statement an async block runs once, before the retried part: `let x = x;` rebindings
/// and async-trait's `if let Some(__ret) = None::<R> { return __ret; }` type hint.
fn is_setup(stmt: &Stmt) -> bool {
    match stmt {
        Stmt::Local(local) => match &local.init {
            Some(init) if init.diverge.is_none() => is_rebinding(&init.expr),
            _ => false,
        },
        Stmt::Expr(Expr::If(expr_if), _) => match &*expr_if.cond {
            Expr::Let(expr_let) => match &*expr_let.expr {
                Expr::Call(call) => is_none_path(&call.func),
                Expr::Path(path) => path.path.segments.last().is_some_and(|s| s.ident == "None"),
                _ => false,
            },
            _ => false,
        },
        _ => false,
    }
}

fn is_none_path(expr: &Expr) -> bool {
    matches!(expr, Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "None"))
}

/// `x`, `self`, or `{ let x = x; x }`.
fn is_rebinding(expr: &Expr) -> bool {
    match expr {
        Expr::Path(path) => path.qself.is_none() && path.path.get_ident().is_some(),
        Expr::Block(block) => {
            let stmts = &block.block.stmts;
            !stmts.is_empty()
                && stmts[..stmts.len() - 1].iter().all(is_setup)
                && matches!(stmts.last(), Some(Stmt::Expr(e, None)) if is_rebinding(e))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use crate::pipeline::retry_impl;

    /// Whether `#[retry(args)]` on a plain sync fn builds its policy at compile time, and the
    /// expansion as text.
    fn expansion(args: proc_macro2::TokenStream) -> (bool, String) {
        let item = quote!(
            fn f() -> Result<u32, std::io::Error> {
                Ok(1)
            }
        );
        let out = retry_impl(args, item).to_string();
        assert!(!out.contains("compile_error"), "{out}");
        let constant = out.contains("const_policy");
        assert_eq!(constant, out.contains("const {"), "{out}");
        assert_eq!(!constant, out.contains("let __policy"), "{out}");
        (constant, out)
    }

    #[test]
    fn policies_of_literals_are_built_at_compile_time() {
        for args in [
            quote!(),
            quote!(stop = attempts(5)),
            quote!(
                stop = attempts(5) | after_delay(30s) & before_delay(1m),
                wait = none
            ),
            quote!(stop = never, wait = fixed(2), retry = transient),
            quote!(wait = random(0, 500ms)),
            quote!(wait = incrementing(1, 2, 10)),
            quote!(wait = exponential(1, 2, 10)),
            quote!(wait = exponential(multiplier = 1, min = 2, max = 10, base = 3)),
            quote!(wait = random_exponential(0.1, 0, 20).base(1.3)),
            quote!(wait = exponential_jitter(1, 60, 1)),
            quote!(wait = equal_jitter(1, 8)),
            quote!(wait = decorrelated_jitter(1, 20)),
            quote!(wait = chain(fixed(1), exponential(1, 2, 10))),
            quote!(wait = retry_after(exponential(1, 0, 30))),
            quote!(retry = always),
            quote!(retry = never),
            quote!(retry = on_error),
            quote!(name = "fetch", stop = attempts(2)),
        ] {
            let (constant, out) = expansion(args.clone());
            assert!(constant, "`{args}` is built at run time:\n{out}");
        }
    }

    #[test]
    fn policies_with_closures_expressions_or_trait_operators_are_built_per_call() {
        for args in [
            quote!(before_sleep = |s| println!("{}", s.attempt())),
            quote!(after = |_| ()),
            quote!(before = |_| ()),
            quote!(sleep = retry_core::testing::TestClock::new()),
            quote!(stop = attempts(LIMIT)),
            quote!(wait = fixed(DELAY)),
            quote!(wait = fixed(1) + random(0, 1)),
            quote!(retry = !transient),
            quote!(retry = transient | always),
            quote!(retry = if_error(|e: &std::io::Error| e.kind() == std::io::ErrorKind::Other)),
            quote!(stop = on_flag(&FLAG)),
            quote!(wait = retry_after(fixed(1), cap = 10s)),
            quote!(policy = &POLICY),
        ] {
            let (constant, out) = expansion(args.clone());
            assert!(!constant, "`{args}` is built at compile time:\n{out}");
        }
    }

    #[test]
    fn compile_time_policies_use_the_const_constructors() {
        let (_, out) = expansion(quote!(
            stop = attempts(3) | after_delay(30s),
            wait = chain(fixed(1), exponential(1, 2, 10, base = 3)),
            retry = transient,
        ));
        let out = out.replace(' ', "");
        for piece in [
            "stop::any(::retry_core::__private::stop::attempts(3),::retry_core::__private::stop::AfterDelay::new(::retry_core::__private::Duration::from_secs(30)))",
            "wait::Fixed::new(::retry_core::__private::Duration::from_secs(1))",
            "wait::Exponential::new(::retry_core::__private::Duration::from_secs(1),::retry_core::__private::Duration::from_secs(2),::retry_core::__private::Duration::from_secs(10)).base(3",
            "condition::transient()",
            "::retry_core::__private::NoTimeout,\"f\")",
        ] {
            assert!(out.contains(piece), "missing `{piece}` in\n{out}");
        }
    }
}
