// New migration files must rebuild the server, which embeds them with `sqlx::migrate!`.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
