// sqlx::migrate! embeds the migrations when the crate compiles: a new file
// under migrations/ must recompile it.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
