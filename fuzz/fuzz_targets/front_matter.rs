#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dateline::fuzzing::front_matter(data));
