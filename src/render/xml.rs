//! Small helpers over quick-xml's writer: every feed and sitemap is written as XML
//! events, so text and attributes are always escaped.

use std::io;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

/// An XML document being written.
pub type Xml = Writer<Vec<u8>>;

/// A new document with its XML declaration.
pub fn document() -> io::Result<Xml> {
    let mut w = Writer::new_with_indent(Vec::with_capacity(16 * 1024), b' ', 1);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    Ok(w)
}

/// `<name>text</name>`
pub fn text(w: &mut Xml, name: &str, value: &str) -> io::Result<()> {
    w.create_element(name).write_text_content(BytesText::new(value))?;
    Ok(())
}

/// The finished document's bytes.
pub fn finish(w: Xml) -> Vec<u8> {
    let mut bytes = w.into_inner();
    bytes.push(b'\n');
    bytes
}
