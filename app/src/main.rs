//! Entry point of the galmass web app (wasm32, built by scripts/web.sh); see the `galmass_app` library.

fn main() {
    galmass_app::start();
}
