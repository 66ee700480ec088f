//! Integration tests: the real binary on real files.

mod bad_inputs;
mod check;
mod conformance;
mod counts;
mod export;
mod faults;
mod finish;
mod fit;
mod fsrs;
mod help;
mod import;
mod import_bad;
mod learner;
mod notes;
mod optimize;
mod pipes;
mod properties;
mod reschedule;
mod review;
mod sample_vault;
mod seed;
mod soak;
mod stats;
mod util;
mod write_back;
