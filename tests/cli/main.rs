//! Integration tests: the real binary on real files.

mod bad_inputs;
mod conformance;
mod export;
mod faults;
mod properties;
mod review;
mod sample_vault;
mod seed;
mod util;
mod write_back;
