//! Feeds and WordPress exports, read as a stream of records: each `<item>` or `<entry>`
//! (and WordPress's `<wp:author>`) becomes a small tree of its own when its end tag is
//! read, and nothing else is kept. An export of hundreds of megabytes is never in memory,
//! and each record knows its line.
//!
//! Lines are counted as quick-xml consumes the bytes ([`Counted`]), so the line of a record
//! and of a malformed spot is known without keeping the text. Names are compared as the
//! file writes them (`wp:post_type`, `content:encoded`, `dc:creator`): WordPress and feed
//! writers use these prefixes.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::diag::Diagnostic;
use crate::error::{IoError, IoResultExt};

/// An element of a record: its name, attributes, text (CDATA and text, entities
/// resolved) and children.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Element>,
    /// The line of its start tag.
    pub line: usize,
    /// Whether its text and children are kept in order as `#text` children too: inside
    /// Atom's `type="xhtml"` content, which is HTML written as XML.
    pub mixed: bool,
}

impl Element {
    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child named `name`.
    pub fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The trimmed text of the first child named `name`, if it has any.
    pub fn text_of(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.trim()).filter(|t| !t.is_empty())
    }

    /// The value of an attribute.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The children of a mixed element written back as HTML (names without a prefix).
    pub fn inner_html(&self) -> String {
        let mut out = String::new();
        for child in &self.children {
            child.push_html(&mut out);
        }
        out
    }

    /// Text read inside the element.
    fn push_text(&mut self, text: &str) {
        self.text.push_str(text);
        if self.mixed {
            match self.children.last_mut() {
                Some(last) if last.name == "#text" => last.text.push_str(text),
                _ => self.children.push(Element {
                    name: "#text".into(),
                    text: text.to_string(),
                    ..Element::default()
                }),
            }
        }
    }

    fn push_html(&self, out: &mut String) {
        if self.name == "#text" {
            out.push_str(&quick_xml::escape::escape(self.text.as_str()));
            return;
        }
        let name = self.name.rsplit(':').next().unwrap_or(&self.name);
        out.push('<');
        out.push_str(name);
        for (key, value) in &self.attrs {
            if key == "xmlns" || key.starts_with("xmlns:") {
                continue;
            }
            out.push_str(&format!(" {key}=\"{}\"", quick_xml::escape::escape(value.as_str())));
        }
        out.push('>');
        for child in &self.children {
            child.push_html(out);
        }
        out.push_str(&format!("</{name}>"));
    }
}

/// A reader that counts the lines of what it has handed out.
pub struct Counted<R> {
    inner: R,
    /// Newlines consumed so far.
    newlines: usize,
}

impl<R: BufRead> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.newlines += memchr::memchr_iter(b'\n', &buf[..n]).count();
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counted<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        // The buffer holds at least `amount` bytes: fill_buf hands it out without reading.
        if let Ok(buf) = self.inner.fill_buf() {
            let amount = amount.min(buf.len());
            self.newlines += memchr::memchr_iter(b'\n', &buf[..amount]).count();
        }
        self.inner.consume(amount);
    }
}

/// The records of an XML file, one at a time.
pub struct Records<R: BufRead> {
    reader: Reader<Counted<R>>,
    buf: Vec<u8>,
    path: std::sync::Arc<Path>,
    /// The names of records.
    wanted: &'static [&'static str],
    /// Whether records are built (else only counted, to check the file).
    build: bool,
    /// Elements open outside records: name and line.
    open: Vec<(String, usize)>,
    /// The record being read, and its open descendants.
    stack: Vec<Element>,
    done: bool,
}

/// Opens `path` for reading its records named `wanted`.
pub fn open(
    path: &std::sync::Arc<Path>,
    wanted: &'static [&'static str],
    build: bool,
) -> Result<Records<BufReader<File>>, IoError> {
    let file = File::open(path).at("read", path)?;
    Ok(records(BufReader::with_capacity(1 << 16, file), path, wanted, build))
}

/// The records named `wanted` of an XML text.
pub fn records<R: BufRead>(
    source: R,
    path: &std::sync::Arc<Path>,
    wanted: &'static [&'static str],
    build: bool,
) -> Records<R> {
    let mut reader = Reader::from_reader(Counted {
        inner: source,
        newlines: 0,
    });
    reader.config_mut().check_end_names = true;
    Records {
        reader,
        buf: Vec::with_capacity(1 << 14),
        path: std::sync::Arc::clone(path),
        wanted,
        build,
        open: Vec::new(),
        stack: Vec::new(),
        done: false,
    }
}

impl<R: BufRead> Records<R> {
    fn line(&self) -> usize {
        self.reader.get_ref().newlines + 1
    }

    fn malformed(&mut self, line: usize, message: String) -> Diagnostic {
        self.done = true;
        Diagnostic::new(&*self.path, line, 1, format!("malformed XML: {message}"))
    }

    /// Reads every record without building it: the file is well-formed, and holds this
    /// many records.
    pub fn check(mut self) -> Result<usize, Diagnostic> {
        self.build = false;
        let mut n = 0;
        for record in &mut self {
            record?;
            n += 1;
        }
        Ok(n)
    }
}

impl<R: BufRead> Iterator for Records<R> {
    type Item = Result<Element, Diagnostic>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        loop {
            self.buf.clear();
            let line = self.line();
            let event = match self.reader.read_event_into(&mut self.buf) {
                Ok(event) => event,
                Err(e) => {
                    let message = e.to_string();
                    let line = self.line();
                    return Some(Err(self.malformed(line, message)));
                }
            };
            let empty = matches!(event, Event::Empty(_));
            match event {
                Event::Start(start) | Event::Empty(start)
                    if !self.stack.is_empty() || self.wanted.contains(&start.name().0) =>
                {
                    let mut element = Element {
                        name: start.name().0.to_string(),
                        line,
                        mixed: self.stack.last().is_some_and(|p| p.mixed),
                        ..Element::default()
                    };
                    if self.build {
                        for attr in start.attributes() {
                            let attr = match attr {
                                Ok(attr) => attr,
                                Err(e) => return Some(Err(self.malformed(line, e.to_string()))),
                            };
                            let value = match attr.normalized_value(quick_xml::XmlVersion::Implicit1_0) {
                                Ok(value) => value.into_owned(),
                                Err(e) => return Some(Err(self.malformed(line, e.to_string()))),
                            };
                            element.attrs.push((attr.key.0.to_string(), value));
                        }
                        if matches!(element.name.as_str(), "content" | "summary")
                            && element.attr("type") == Some("xhtml")
                        {
                            element.mixed = true;
                        }
                    }
                    if !empty {
                        self.stack.push(element);
                    } else if let Some(parent) = self.stack.last_mut() {
                        if self.build {
                            parent.children.push(element);
                        }
                    } else {
                        return Some(Ok(element));
                    }
                }
                Event::Start(start) => self.open.push((start.name().0.to_string(), line)),
                Event::End(_) => match self.stack.pop() {
                    Some(element) => match self.stack.last_mut() {
                        Some(parent) => {
                            if self.build {
                                parent.children.push(element);
                            }
                        }
                        None => return Some(Ok(element)),
                    },
                    None => {
                        self.open.pop();
                    }
                },
                Event::Text(text) => {
                    if self.build
                        && let Some(top) = self.stack.last_mut()
                    {
                        top.push_text(&text.xml10_content());
                    }
                }
                Event::CData(data) => {
                    if self.build
                        && let Some(top) = self.stack.last_mut()
                    {
                        top.push_text(&data);
                    }
                }
                Event::GeneralRef(reference) => {
                    let resolved = match reference.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        Ok(None) => match quick_xml::escape::resolve_predefined_entity(&reference) {
                            Some(text) => text.to_string(),
                            None => {
                                let message = format!(
                                    "`&{};` is not an entity XML knows (only &amp; &lt; &gt; &quot; &apos; and &#…; are)",
                                    &*reference
                                );
                                return Some(Err(self.malformed(line, message)));
                            }
                        },
                        Err(e) => return Some(Err(self.malformed(line, e.to_string()))),
                    };
                    if self.build
                        && let Some(top) = self.stack.last_mut()
                    {
                        top.push_text(&resolved);
                    }
                }
                Event::Eof => {
                    let unclosed = self
                        .stack
                        .first()
                        .map(|e| (e.name.clone(), e.line))
                        .or_else(|| self.open.last().cloned());
                    if let Some((name, opened)) = unclosed {
                        let line = self.line();
                        let message = format!("the file ends inside <{name}>, opened at line {opened}");
                        return Some(Err(self.malformed(line, message)));
                    }
                    self.done = true;
                    return None;
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn path() -> Arc<Path> {
        Arc::from(Path::new("feed.xml"))
    }

    fn read(text: &str) -> Vec<Result<Element, Diagnostic>> {
        records(text.as_bytes(), &path(), &["item"], true).collect()
    }

    #[test]
    fn records_with_their_lines_text_and_attributes() {
        let items = read(
            "<?xml version=\"1.0\"?>\n<rss>\n<channel>\n<title>Feed</title>\n<item>\n  <title>A &amp; B &#8217;</title>\n  \
             <category domain=\"post_tag\">x</category>\n  <body><![CDATA[<p>Hi</p>]]></body>\n</item>\n<item><title>Two</title></item>\n</channel>\n</rss>\n",
        );
        let items: Vec<Element> = items.into_iter().map(Result::unwrap).collect();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].line, 5);
        assert_eq!(items[0].text_of("title"), Some("A & B ’"));
        assert_eq!(items[0].child("category").unwrap().attr("domain"), Some("post_tag"));
        assert_eq!(items[0].child("category").unwrap().line, 7);
        assert_eq!(items[0].text_of("body"), Some("<p>Hi</p>"));
        assert_eq!(items[1].line, 10);
    }

    #[test]
    fn malformed_xml_is_an_error_at_its_line() {
        let items = read("<rss>\n<channel>\n<item>\n<title>A</title>\n<link>x</lnk>\n</item>\n</channel>\n</rss>\n");
        let e = items.into_iter().find_map(Result::err).expect("an error");
        assert_eq!(e.line, 5, "{e}");
        assert!(e.message.starts_with("malformed XML: "), "{e}");
        let e = read("<rss>\n<item>\n<title>A &nbsp; B</title>\n</item>\n</rss>")
            .into_iter()
            .find_map(Result::err)
            .expect("an error");
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("`&nbsp;`"), "{e}");
        let e = read("<rss>\n<channel>\n<item>\n<title>A</title>\n")
            .into_iter()
            .find_map(Result::err)
            .expect("an error");
        assert!(e.message.contains("ends inside <item>, opened at line 3"), "{e}");
    }

    #[test]
    fn check_counts_records() {
        let text = "<rss><item><title>A</title></item><item/></rss>";
        assert_eq!(records(text.as_bytes(), &path(), &["item"], false).check(), Ok(2));
    }
}
