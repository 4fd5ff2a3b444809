//! Fingerprints: a 64-bit hash of anything serializable, used to tell which pages must be
//! rendered again. A page's fingerprint covers every value its template receives, so an
//! incremental build re-renders exactly the pages whose input changed.

use std::cell::Cell;
use std::fmt;

use serde::ser::{self, Serialize};
use xxhash_rust::xxh3::Xxh3;

thread_local! {
    static HASHING: Cell<bool> = const { Cell::new(false) };
}

/// The fingerprint of a value.
pub fn fingerprint<T: Serialize + ?Sized>(value: &T) -> u64 {
    let previous = HASHING.replace(true);
    // Everything is written to a buffer and hashed once: many tiny updates of a streaming
    // hasher cost more than the hash itself.
    let mut hasher = Hasher(Vec::with_capacity(1024));
    // Only `Error::custom` from a value's own Serialize can fail; it then still hashes what came before.
    let _ = value.serialize(&mut hasher);
    HASHING.set(previous);
    xxhash_rust::xxh3::xxh3_64(&hasher.0)
}

/// Whether a fingerprint is being taken on this thread: values that already know their
/// fingerprint (shared cards) then serialize as just that number.
pub fn hashing() -> bool {
    HASHING.get()
}

/// What stands for an article's body in fingerprints: the hash of its source, and whether
/// `[content] sanitize` cleans it, so that turning it on or off renders the bodies again.
pub fn body(config: &crate::config::Config, source_hash: u64) -> u64 {
    match config.sanitize {
        true => combine(&[source_hash, 0x5a71_7123]),
        false => source_hash,
    }
}

/// Combines fingerprints, in order.
pub fn combine(parts: &[u64]) -> u64 {
    let mut h = Xxh3::new();
    for p in parts {
        h.update(&p.to_le_bytes());
    }
    h.digest()
}

struct Hasher(Vec<u8>);

#[derive(Debug)]
pub struct Never(String);

impl fmt::Display for Never {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Never {}

impl ser::Error for Never {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Never(msg.to_string())
    }
}

impl Hasher {
    fn tag(&mut self, t: u8) {
        self.0.push(t);
    }

    fn bytes(&mut self, b: &[u8]) {
        self.0.extend_from_slice(&(b.len() as u64).to_le_bytes());
        self.0.extend_from_slice(b);
    }

    fn update(&mut self, b: &[u8]) {
        self.0.extend_from_slice(b);
    }
}

type R = Result<(), Never>;

impl ser::Serializer for &mut Hasher {
    type Ok = ();
    type Error = Never;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn serialize_bool(self, v: bool) -> R {
        self.tag(1);
        self.update(&[u8::from(v)]);
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> R {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> R {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> R {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> R {
        self.tag(2);
        self.update(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> R {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> R {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> R {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u64(self, v: u64) -> R {
        self.tag(3);
        self.update(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> R {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> R {
        self.tag(4);
        self.update(&v.to_bits().to_le_bytes());
        Ok(())
    }
    fn serialize_char(self, v: char) -> R {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> R {
        self.tag(5);
        self.bytes(v.as_bytes());
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> R {
        self.tag(6);
        self.bytes(v);
        Ok(())
    }
    fn serialize_none(self) -> R {
        self.tag(7);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> R {
        self.tag(8);
        value.serialize(self)
    }
    fn serialize_unit(self) -> R {
        self.tag(9);
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> R {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _: &'static str, index: u32, _: &'static str) -> R {
        self.tag(10);
        self.update(&index.to_le_bytes());
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> R {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        index: u32,
        _: &'static str,
        value: &T,
    ) -> R {
        self.tag(11);
        self.update(&index.to_le_bytes());
        value.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, Never> {
        self.tag(12);
        Ok(self)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self, Never> {
        self.tag(13);
        Ok(self)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self, Never> {
        self.tag(13);
        Ok(self)
    }
    fn serialize_tuple_variant(self, _: &'static str, index: u32, _: &'static str, _: usize) -> Result<Self, Never> {
        self.tag(14);
        self.update(&index.to_le_bytes());
        Ok(self)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self, Never> {
        self.tag(15);
        Ok(self)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Never> {
        self.tag(15);
        Ok(self)
    }
    fn serialize_struct_variant(self, _: &'static str, index: u32, _: &'static str, _: usize) -> Result<Self, Never> {
        self.tag(16);
        self.update(&index.to_le_bytes());
        Ok(self)
    }
}

/// Ends a sequence or map: elements are delimited so `["ab"]` and `["a", "b"]` differ.
macro_rules! compound {
    ($trait:ident, $method:ident $(, $key:ident)?) => {
        impl ser::$trait for &mut Hasher {
            type Ok = ();
            type Error = Never;
            fn $method<T: Serialize + ?Sized>(&mut self, $($key: &'static str,)? value: &T) -> R {
                $(self.bytes($key.as_bytes());)?
                self.tag(20);
                value.serialize(&mut **self)
            }
            fn end(self) -> R {
                self.tag(21);
                Ok(())
            }
        }
    };
}

compound!(SerializeSeq, serialize_element);
compound!(SerializeTuple, serialize_element);
compound!(SerializeTupleStruct, serialize_field);
compound!(SerializeTupleVariant, serialize_field);
compound!(SerializeStruct, serialize_field, key);
compound!(SerializeStructVariant, serialize_field, key);

impl ser::SerializeMap for &mut Hasher {
    type Ok = ();
    type Error = Never;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> R {
        self.tag(22);
        key.serialize(&mut **self)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
        self.tag(20);
        value.serialize(&mut **self)
    }
    fn end(self) -> R {
        self.tag(21);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    struct View<'a> {
        title: &'a str,
        tags: Vec<&'a str>,
        count: Option<u32>,
    }

    #[test]
    fn equal_values_equal_fingerprints_and_any_change_shows() {
        let a = View {
            title: "A",
            tags: vec!["x", "y"],
            count: Some(1),
        };
        let same = View {
            title: "A",
            tags: vec!["x", "y"],
            count: Some(1),
        };
        assert_eq!(fingerprint(&a), fingerprint(&same));
        for other in [
            View {
                title: "B",
                tags: vec!["x", "y"],
                count: Some(1),
            },
            View {
                title: "A",
                tags: vec!["xy"],
                count: Some(1),
            },
            View {
                title: "A",
                tags: vec!["x", "y"],
                count: None,
            },
            View {
                title: "A",
                tags: vec!["x", "y"],
                count: Some(2),
            },
        ] {
            assert_ne!(fingerprint(&a), fingerprint(&other));
        }
        assert!(!hashing(), "the flag is reset after a fingerprint");
    }
}
