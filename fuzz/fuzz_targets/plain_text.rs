#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dateline::fuzzing::plain_text(data));
