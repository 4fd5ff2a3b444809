fn main() {
    std::process::exit(dateline::cli::main());
}
