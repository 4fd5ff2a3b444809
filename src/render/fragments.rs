//! Fragments: the theme's components rendered once and reused. An article's card is
//! shown on ten or so pages of an archive (its home, year, month, day, author, tag and
//! section listings, and beside other articles of its author), the masthead on every
//! page: the theme writes them once, in its own templates, and each page copies them.
//!
//! Two calls in templates ask for it:
//!
//! - `{{ cached(component="NAME", arg=…, …) }}` renders the component `NAME` with those
//!   arguments, as `{{ <NAME arg={…} /> }}` would, the first time it is called with them;
//! - `{{ LIST | cached_each(component="NAME", as="ARG", arg=…, …) }}` does the same for
//!   each item of `LIST`, given to the component as its argument `ARG`, and joins the
//!   HTML: a listing's cards in one call rather than one a card, which is most of what
//!   reusing them saves (a call's arguments cost tera more than a lookup).
//!
//! Arguments are the same when they are the same text, number or boolean, or the same
//! list or map: the very value, not an equal one. Every card, author, term, `site` and
//! `nav` that dateline gives templates is one value shared by every page that shows it,
//! so a card taken from a page's `articles` is the same each time; a map a template
//! makes itself is new at every call, and is rendered every time. A component's implicit
//! arguments (`@site`) are taken from where it is called, as tera does, and are part of
//! what must be the same. A component can show nothing but its arguments, so one that
//! is rendered again with the same ones shows the same HTML; one with a body (`{{ body }}`)
//! cannot be called this way.
//!
//! What was rendered lives as long as the build (a new build starts empty), and a full
//! build lets go of what the pages it renders no longer show (`advance`).

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::thread::{self, ThreadId};

use ahash::AHashMap as HashMap;
use tera::{Context, Kwargs, State, Tera, Value};

use super::order::KEPT_FOR;

/// The function that renders one component, cached.
pub const CACHED: &str = "cached";
/// The filter that renders one component for each item of a list, cached.
pub const CACHED_EACH: &str = "cached_each";

/// The argument that names the component.
const COMPONENT: &str = "component";
/// The argument of `cached_each` that names the component's argument for the item.
const AS: &str = "as";

/// Registers a `cached` and a `cached_each` that only say they work while a site is
/// built, so that templates that call them load (tera checks that every function and
/// filter a template calls exists). Each build registers its own (`Fragments::register`).
pub fn register_placeholders(tera: &mut Tera) {
    let outside = || tera::Error::message("cached() works only while dateline builds a site");
    tera.register_function(CACHED, move |_: Kwargs, _: &State| -> tera::TeraResult<Value> {
        Err(outside())
    });
    tera.register_filter(
        CACHED_EACH,
        move |_: &Value, _: Kwargs, _: &State| -> tera::TeraResult<Value> { Err(outside()) },
    );
}

/// The HTML of the components rendered by `cached` and `cached_each` in one build.
pub struct Fragments {
    /// Every call seen (a component and its arguments, but the item of `cached_each`), by
    /// the hash of what makes it: a handful in a build, found once per call.
    calls: Box<[Calls]>,
    /// The HTML of each call for each item, by where the call and the item are in memory:
    /// a fragment holds both, so no other value can take their place while it lives.
    shards: Box<[Shard]>,
    /// The implicit arguments (`@name`) of each component of the theme, known once the
    /// templates are (`attach`): read by every call, on every core, so never locked.
    implicits: OnceLock<HashMap<String, Arc<[String]>>>,
    /// The templates, to render a component the first time it is asked for (set once the
    /// renderer holds them: they hold this).
    tera: OnceLock<Weak<Tera>>,
    /// Counts `advance` calls: a call or fragment remembers the last one it was used after.
    epoch: AtomicU32,
    /// The first error a component's own template gave on each thread, with its place in
    /// that template (tera reports it again at the call, as text). By thread: a component
    /// is rendered on the thread that renders the page calling it, and pages fail on many
    /// threads at once, so one slot for all would hand one page another's error or none.
    failure: Mutex<HashMap<ThreadId, tera::Error>>,
}

/// A component and the arguments it is called with (for `cached_each`, all but the item):
/// explicit, then implicit.
struct Call {
    component: Box<str>,
    /// As given: holding them keeps a list or map given alive, so no other value can take
    /// its place in memory and look the same.
    args: Box<[(Box<str>, Value)]>,
    /// The name of the argument `cached_each` gives each item as.
    item: Option<Box<str>>,
    used: AtomicU32,
}

/// Calls by the hash of what makes them (a shard of them: the cores seldom meet).
type Calls = Mutex<HashMap<u64, Vec<Arc<Call>>>>;

/// Fragments by where their call and their item are in memory.
type Shard = Mutex<HashMap<(usize, usize), Fragment>>;

/// One call rendered for one item (for `cached`, for none).
struct Fragment {
    /// Held, not read: while the fragment lives, its call and its item stay where they
    /// are in memory, so its key (their places) stands for them alone.
    _call: Arc<Call>,
    _item: Value,
    html: Box<str>,
    used: AtomicU32,
}

/// Shards of the map of fragments: two cores find each other's lock free nearly always.
const SHARDS: usize = 64;
const CALL_SHARDS: usize = 16;

/// A call's arguments: name and value, explicit ones first.
type Args<'a> = Vec<(&'a str, Value)>;

impl Fragments {
    pub fn new() -> Arc<Fragments> {
        Arc::new(Fragments {
            calls: (0..CALL_SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
            implicits: OnceLock::new(),
            tera: OnceLock::new(),
            epoch: AtomicU32::new(0),
            failure: Mutex::new(HashMap::new()),
        })
    }

    /// Makes `cached` and `cached_each` in `tera` (a build's own copy of the theme) use
    /// these fragments. `attach` must follow, once `tera` is shared.
    pub fn register(self: &Arc<Self>, tera: &mut Tera) {
        let fragments = Arc::clone(self);
        tera.register_function(CACHED, move |kwargs: Kwargs, state: &State| {
            fragments.cached(&kwargs, state)
        });
        let fragments = Arc::clone(self);
        tera.register_filter(CACHED_EACH, move |list: &Value, kwargs: Kwargs, state: &State| {
            fragments.cached_each(list, &kwargs, state)
        });
    }

    /// The templates components are rendered with.
    pub fn attach(&self, tera: &Arc<Tera>) {
        let _ = self.tera.set(Arc::downgrade(tera));
        let implicits = (tera.get_component_names())
            .filter_map(|name| Some((name.to_string(), tera.get_component_definition(name)?)))
            .map(|(name, definition)| {
                let names = definition.args().iter().filter(|a| a.is_implicit());
                (name, names.map(|a| a.name().to_string()).collect())
            })
            .collect();
        let _ = self.implicits.set(implicits);
    }

    /// The error a component gave inside `cached` or `cached_each` on this thread, with
    /// its own place, if one did (taken: the next page starts with none).
    pub fn failure(&self) -> Option<tera::Error> {
        self.failure.lock().ok()?.remove(&thread::current().id())
    }

    /// Lets go of the calls and fragments no page has used in the last `KEPT_FOR`
    /// batches. A full build calls it between batches of pages that show ever older
    /// articles.
    pub fn advance(&self) {
        let now = self.epoch.fetch_add(1, Ordering::Relaxed) + 1;
        let kept = |used: &AtomicU32| used.load(Ordering::Relaxed) + KEPT_FOR >= now;
        for shard in &self.shards {
            if let Ok(mut map) = shard.lock() {
                map.retain(|_, f| kept(&f.used));
            }
        }
        for shard in &self.calls {
            if let Ok(mut calls) = shard.lock() {
                calls.retain(|_, list| {
                    list.retain(|c| kept(&c.used));
                    !list.is_empty()
                });
            }
        }
    }

    /// How many fragments are held.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| s.lock().map_or(0, |m| m.len())).sum()
    }

    /// `cached(component=NAME, …)`
    fn cached(&self, kwargs: &Kwargs, state: &State) -> tera::TeraResult<Value> {
        let component = component(kwargs, CACHED)?;
        let implicit = self.implicit_names(component)?;
        let mut args: Args<'_> = explicit(kwargs, &[COMPONENT]);
        add_implicits(implicit, &mut args, state)?;
        let call = self.call(component, &args, None);
        let mut html = String::new();
        self.fragment(&call, &Value::none(), state, &mut html)?;
        Ok(Value::safe_string(&html))
    }

    /// `LIST | cached_each(component=NAME, as=ARG, …)`
    fn cached_each(&self, list: &Value, kwargs: &Kwargs, state: &State) -> tera::TeraResult<Value> {
        let component = component(kwargs, CACHED_EACH)?;
        let item = kwargs
            .get::<&str>(AS)?
            .ok_or_else(|| tera::Error::message("cached_each() needs `as`, the component's argument for each item"))?;
        let items = list
            .as_array()
            .ok_or_else(|| tera::Error::message(format!("cached_each() is given a {}, not a list", list.name())))?;
        let implicit = self.implicit_names(component)?;
        let mut args: Args<'_> = explicit(kwargs, &[COMPONENT, AS]);
        add_implicits(implicit, &mut args, state)?;
        let call = self.call(component, &args, Some(item));
        let mut html = String::with_capacity(items.len() * 512);
        for value in items {
            self.fragment(&call, value, state, &mut html)?;
        }
        Ok(Value::safe_string(&html))
    }

    /// The call of `component` with `args` (and, for `cached_each`, an `item`): the one
    /// seen before, or a new one.
    fn call(&self, component: &str, args: &[(&str, Value)], item: Option<&str>) -> Arc<Call> {
        let hash = key_hash(component, args, item);
        let now = self.epoch.load(Ordering::Relaxed);
        let mut calls = (self.calls[hash as usize % CALL_SHARDS].lock()).unwrap_or_else(|e| e.into_inner());
        let list = calls.entry(hash).or_default();
        if let Some(found) = list.iter().find(|c| c.is(component, args, item)) {
            found.used.store(now, Ordering::Relaxed);
            return Arc::clone(found);
        }
        let call = Arc::new(Call {
            component: component.into(),
            args: args.iter().map(|(k, v)| (Box::from(*k), v.clone())).collect(),
            item: item.map(Box::from),
            used: AtomicU32::new(now),
        });
        list.push(Arc::clone(&call));
        call
    }

    /// Appends to `out` the HTML of `call` for `item`: rendered before, or rendered now.
    fn fragment(&self, call: &Arc<Call>, item: &Value, state: &State, out: &mut String) -> tera::TeraResult<()> {
        // A list or map item is told by where it is; any other item (text, a number), rare,
        // is made part of the call.
        let call = match (&call.item, identity(item)) {
            (Some(name), None) => {
                let mut args: Vec<(&str, Value)> = call.args.iter().map(|(k, v)| (&**k, v.clone())).collect();
                args.push((name, item.clone()));
                self.call(&call.component, &args, None)
            }
            _ => Arc::clone(call),
        };
        let key = (Arc::as_ptr(&call) as usize, identity(item).unwrap_or(0));
        let shard = &self.shards[shard_of(key)];
        let now = self.epoch.load(Ordering::Relaxed);
        if let Ok(map) = shard.lock()
            && let Some(found) = map.get(&key)
        {
            // Written only when it changes: the masthead is used by every page, on both cores.
            if found.used.load(Ordering::Relaxed) != now {
                found.used.store(now, Ordering::Relaxed);
            }
            out.push_str(&found.html);
            return Ok(());
        }
        let html = self.render(&call, item, state)?;
        out.push_str(&html);
        let fragment = Fragment {
            _call: Arc::clone(&call),
            _item: item.clone(),
            html: html.into_boxed_str(),
            used: AtomicU32::new(now),
        };
        if let Ok(mut map) = shard.lock() {
            // Another thread may have rendered the same meanwhile: the same HTML.
            map.entry(key).or_insert(fragment);
        }
        Ok(())
    }

    /// Renders the call for `item`, as a call of the component in the template would.
    fn render(&self, call: &Call, item: &Value, state: &State) -> tera::TeraResult<String> {
        let tera = self.tera()?;
        let component = &*call.component;
        let implicit = self.implicit_names(component)?;
        let (mut explicit, mut implicits) = (Context::new(), Context::new());
        for (name, value) in call.args.iter() {
            match implicit.iter().any(|i| **i == **name) {
                true => implicits.insert_value(name.to_string(), value.clone()),
                false => explicit.insert_value(name.to_string(), value.clone()),
            }
        }
        if let Some(name) = &call.item {
            explicit.insert_value(name.to_string(), item.clone());
        }
        let mut html = Vec::with_capacity(1024);
        let escape = state.autoescaping_enabled();
        if let Err(e) =
            tera.render_component_with_implicits_to(component, &explicit, &implicits, None, escape, &mut html)
        {
            let text = e.to_string();
            if let Ok(mut failure) = self.failure.lock() {
                failure.entry(thread::current().id()).or_insert(e);
            }
            return Err(tera::Error::message(format!("in component `{component}`: {text}")));
        }
        String::from_utf8(html).map_err(|e| tera::Error::message(e.to_string()))
    }

    /// The names of a component's implicit arguments.
    fn implicit_names(&self, component: &str) -> tera::TeraResult<&[String]> {
        let implicits =
            (self.implicits.get()).ok_or_else(|| tera::Error::message("cached() is called outside of a build"))?;
        match implicits.get(component) {
            Some(names) => Ok(names),
            None => Err(tera::Error::message(format!("there is no component `{component}`"))),
        }
    }

    fn tera(&self) -> tera::TeraResult<Arc<Tera>> {
        self.tera
            .get()
            .and_then(Weak::upgrade)
            .ok_or_else(|| tera::Error::message("cached() is called outside of a build"))
    }
}

/// Adds a component's implicit arguments (`names`), from where it is called.
fn add_implicits<'a>(names: &'a [String], args: &mut Args<'a>, state: &State) -> tera::TeraResult<()> {
    for name in names {
        let value: Option<Value> = state.get(name)?;
        args.push((name, value.unwrap_or_else(Value::none)));
    }
    Ok(())
}

/// The shard of a fragment.
fn shard_of((call, item): (usize, usize)) -> usize {
    // Values are at least 8-byte aligned: the low bits say nothing.
    ((call >> 4) ^ (item >> 4)).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58
}

/// The name of the component a call renders.
fn component<'k>(kwargs: &'k Kwargs, call: &str) -> tera::TeraResult<&'k str> {
    kwargs
        .get::<&str>(COMPONENT)?
        .ok_or_else(|| tera::Error::message(format!("{call}() needs `component`, the name of a component")))
}

/// The arguments of a call but `skip`, in order.
fn explicit<'k>(kwargs: &'k Kwargs, skip: &[&str]) -> Args<'k> {
    (kwargs.iter())
        .filter_map(|(k, v)| Some((k.as_str()?, v.clone())))
        .filter(|(k, _)| !skip.contains(k))
        .collect()
}

impl Call {
    fn is(&self, component: &str, args: &[(&str, Value)], item: Option<&str>) -> bool {
        &*self.component == component
            && self.item.as_deref() == item
            && self.args.len() == args.len()
            && (self.args.iter().zip(args)).all(|((k, v), (k2, v2))| &**k == *k2 && same(v, v2))
    }
}

/// Whether two arguments are the same: equal text, numbers and booleans; the very same
/// list or map.
fn same(a: &Value, b: &Value) -> bool {
    match (identity(a), identity(b)) {
        (Some(x), Some(y)) => x == y,
        (None, None) => a.kind() == b.kind() && a == b,
        _ => false,
    }
}

/// Where a list's or a map's contents are in memory; none for other values.
fn identity(value: &Value) -> Option<usize> {
    if let Some(map) = value.as_map() {
        return Some(map as *const _ as usize);
    }
    value.as_array().map(|list| list.as_ptr() as usize)
}

fn key_hash(component: &str, args: &[(&str, Value)], item: Option<&str>) -> u64 {
    use std::hash::{BuildHasher, Hash, Hasher};
    let mut h = ahash::RandomState::with_seeds(1, 2, 3, 4).build_hasher();
    component.hash(&mut h);
    item.hash(&mut h);
    for (key, value) in args {
        key.hash(&mut h);
        match identity(value) {
            Some(at) => at.hash(&mut h),
            None => {
                value.kind().hash(&mut h);
                if let Some(text) = value.as_str() {
                    text.hash(&mut h);
                } else if let Some(b) = value.as_bool() {
                    b.hash(&mut h);
                } else if let Some(n) = value.as_i128() {
                    n.hash(&mut h);
                } else if let Some(f) = value.as_f64() {
                    f.to_bits().hash(&mut h);
                }
            }
        }
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A build's templates with `components`, and its fragments.
    fn setup(components: &str) -> (Arc<Tera>, Arc<Fragments>) {
        let mut tera = Tera::new();
        tera.autoescape_on([".html"]);
        register_placeholders(&mut tera);
        tera.add_raw_template("components.html", components).unwrap();
        let fragments = Fragments::new();
        fragments.register(&mut tera);
        let tera = Arc::new(tera);
        fragments.attach(&tera);
        (tera, fragments)
    }

    fn render(tera: &Tera, template: &str, cx: &Context) -> tera::TeraResult<String> {
        tera.render_str(template, cx, true)
    }

    const CARD: &str =
        "{% component card(a, level=3) %}<h{{ level }}>{{ a.title }}</h{{ level }}>{% endcomponent card %}";

    fn card(title: &str) -> Value {
        Value::from_serializable(&std::collections::BTreeMap::from([("title", title)]))
    }

    #[test]
    fn a_component_is_rendered_once_for_the_same_arguments() {
        let (tera, fragments) = setup(CARD);
        let mut cx = Context::new();
        cx.insert_value("a", card("Budget & <tax>"));
        let call = r#"{{ cached(component="card", a=a) }}|{{ cached(component="card", a=a) }}|{{ cached(component="card", a=a, level=2) }}"#;
        let html = render(&tera, call, &cx).unwrap();
        assert_eq!(
            html,
            "<h3>Budget &amp; &lt;tax&gt;</h3>|<h3>Budget &amp; &lt;tax&gt;</h3>|<h2>Budget &amp; &lt;tax&gt;</h2>"
        );
        assert_eq!(fragments.len(), 2, "one for each set of arguments");
    }

    #[test]
    fn maps_are_the_same_when_they_are_the_same_value_not_equal_ones() {
        let (tera, fragments) = setup(CARD);
        let mut cx = Context::new();
        cx.insert_value("a", card("One"));
        cx.insert_value("b", card("One"));
        render(
            &tera,
            r#"{{ cached(component="card", a=a) }}{{ cached(component="card", a=a) }}"#,
            &cx,
        )
        .unwrap();
        assert_eq!(fragments.len(), 1);
        render(&tera, r#"{{ cached(component="card", a=b) }}"#, &cx).unwrap();
        assert_eq!(
            fragments.len(),
            2,
            "an equal map that is another value is rendered again"
        );
        // A map the template makes is new at every call.
        render(&tera, r#"{{ cached(component="card", a={"title": "One"}) }}"#, &cx).unwrap();
        assert_eq!(fragments.len(), 3);
    }

    #[test]
    fn cached_each_renders_each_item_and_joins_them() {
        let (tera, fragments) = setup(CARD);
        let mut cx = Context::new();
        let list = Value::from(vec![card("A"), card("B"), card("A")]);
        cx.insert_value("list", list);
        let html = render(
            &tera,
            r#"{{ list | cached_each(component="card", as="a", level=2) }}"#,
            &cx,
        )
        .unwrap();
        assert_eq!(html, "<h2>A</h2><h2>B</h2><h2>A</h2>");
        assert_eq!(fragments.len(), 3, "three cards, each its own value");
        // The same list again: every card found.
        render(
            &tera,
            r#"{{ list | cached_each(component="card", as="a", level=2) }}"#,
            &cx,
        )
        .unwrap();
        assert_eq!(fragments.len(), 3);
    }

    #[test]
    fn implicit_arguments_come_from_where_the_component_is_called_and_tell_fragments_apart() {
        let (tera, fragments) =
            setup("{% component brand(kind, @site) %}{{ site.title }}:{{ kind }}{% endcomponent brand %}");
        let mut cx = Context::new();
        cx.insert_value("site", card("Review"));
        cx.insert_value("other", card("Gazette"));
        let html = render(
            &tera,
            r#"{{ cached(component="brand", kind="home") }}{% set site = other %} {{ cached(component="brand", kind="home") }}"#,
            &cx,
        )
        .unwrap();
        assert_eq!(html, "Review:home Gazette:home");
        assert_eq!(fragments.len(), 2);
    }

    #[test]
    fn an_error_in_a_component_is_kept_with_its_own_place() {
        let (tera, fragments) = setup("{% component card(a) %}\n<p>{{ a.titel }}</p>{% endcomponent card %}");
        let mut cx = Context::new();
        cx.insert_value("a", card("One"));
        let outer = render(&tera, r#"{{ cached(component="card", a=a) }}"#, &cx).unwrap_err();
        assert!(outer.to_string().contains("in component `card`"), "{outer}");
        let inner = fragments.failure().expect("the component's own error is kept");
        match inner.kind() {
            tera::ErrorKind::RenderingError(report) => {
                assert_eq!(report.filename(), "components.html");
                assert_eq!(report.span().start_line, 2, "{}", report.message());
            }
            other => panic!("{other:?}"),
        }
        assert!(fragments.failure().is_none(), "taken once");
    }

    /// Pages fail on many threads at once: each page is told its own component's
    /// error, even when another thread's component failed between its failure and its
    /// asking (with one slot for all, the first to ask took both, and the other page fell
    /// back to the place of the call).
    #[test]
    fn each_thread_is_told_the_error_of_its_own_component() {
        let (tera, fragments) = setup(
            "{% component card(a) %}\n<p>{{ a.titel }}</p>{% endcomponent card %}\
             {% component other(a) %}\n\n\n<p>{{ a.nom }}</p>{% endcomponent other %}",
        );
        let mut cx = Context::new();
        cx.insert_value("a", card("One"));
        let line_of = |error: tera::Error| match error.kind() {
            tera::ErrorKind::RenderingError(report) => report.span().start_line,
            other => panic!("{other:?}"),
        };
        render(&tera, r#"{{ cached(component="card", a=a) }}"#, &cx).unwrap_err();
        std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    render(&tera, r#"{{ cached(component="other", a=a) }}"#, &cx).unwrap_err();
                    assert_eq!(line_of(fragments.failure().expect("its own error")), 5);
                })
                .join()
                .unwrap();
        });
        assert_eq!(line_of(fragments.failure().expect("its own error")), 2);
        assert!(fragments.failure().is_none(), "taken once");
    }

    #[test]
    fn calls_that_cannot_be_made_say_why() {
        let (tera, _) = setup(CARD);
        let cx = Context::new();
        let no_name = render(&tera, "{{ cached(a=1) }}", &cx).unwrap_err();
        assert!(format!("{no_name:?}").contains("needs `component`"), "{no_name:?}");
        let unknown = render(&tera, r#"{{ cached(component="nope") }}"#, &cx).unwrap_err();
        assert!(
            format!("{unknown:?}").contains("there is no component `nope`"),
            "{unknown:?}"
        );
        let not_a_list = render(&tera, r#"{{ 3 | cached_each(component="card", as="a") }}"#, &cx).unwrap_err();
        assert!(format!("{not_a_list:?}").contains("not a list"), "{not_a_list:?}");
        let mut outside = Tera::new();
        register_placeholders(&mut outside);
        let placeholder = outside
            .render_str(r#"{{ cached(component="card") }}"#, &cx, true)
            .unwrap_err();
        assert!(
            format!("{placeholder:?}").contains("only while dateline builds"),
            "{placeholder:?}"
        );
    }

    #[test]
    fn fragments_unused_for_a_few_batches_are_let_go_of() {
        let (tera, fragments) = setup(CARD);
        let mut cx = Context::new();
        cx.insert_value("a", card("Old"));
        cx.insert_value("b", card("Kept"));
        render(&tera, r#"{{ cached(component="card", a=a) }}"#, &cx).unwrap();
        for _ in 0..KEPT_FOR {
            render(&tera, r#"{{ cached(component="card", a=b) }}"#, &cx).unwrap();
            fragments.advance();
        }
        assert_eq!(fragments.len(), 2, "kept for {KEPT_FOR} batches after its last use");
        render(&tera, r#"{{ cached(component="card", a=b) }}"#, &cx).unwrap();
        fragments.advance();
        assert_eq!(fragments.len(), 1, "the one no page used since is let go of");
    }
}
