use clap::Parser;

fn main() {
    let cli = sensor::Cli::parse();
    let code = sensor::run(
        cli,
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    std::process::exit(code);
}
