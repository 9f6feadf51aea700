//! Ed25519 verification for Node, built on ed25519-dalek 2 / curve25519-dalek 4,
//! to measure against node:crypto (OpenSSL). Every entry point takes many checks
//! at once, packed as raw bytes (fixed-size messages, 64-byte signatures, 32-byte
//! keys), so one call into the addon covers a whole batch and the per-call cost
//! of N-API is paid once.
//!
//! Verdict rules (see docs in the findings): `verify_many` with mode
//! `Cofactorless` is ed25519-dalek's `verify` (RFC 8032 cofactorless equation,
//! S < L, R compared byte for byte); `Strict` is `verify_strict` (also rejects
//! small-order A and R); `verify_batch` is the cofactored, randomised batch
//! equation; `verify_batch_exact` adds the checks that make an accepted batch
//! imply every signature passes the cofactorless check.

use curve25519_dalek::edwards::CompressedEdwardsY;
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use napi::bindgen_prelude::{Buffer, Error, Result, Status};
use napi_derive::napi;

const SIGNATURE_BYTES: usize = 64;
const KEY_BYTES: usize = 32;

/// The packed checks of one call, validated once for their sizes.
struct Packed<'a> {
    messages: &'a [u8],
    message_bytes: usize,
    signatures: &'a [u8],
    keys: &'a [u8],
    count: usize,
}

impl<'a> Packed<'a> {
    fn new(messages: &'a [u8], message_bytes: u32, signatures: &'a [u8], keys: &'a [u8]) -> Result<Self> {
        let message_bytes = message_bytes as usize;
        if signatures.len() % SIGNATURE_BYTES != 0 {
            return Err(invalid("signatures must be a multiple of 64 bytes"));
        }
        let count = signatures.len() / SIGNATURE_BYTES;
        if keys.len() != count * KEY_BYTES || messages.len() != count * message_bytes {
            return Err(invalid("messages, signatures and keys must describe the same number of checks"));
        }
        Ok(Self { messages, message_bytes, signatures, keys, count })
    }

    fn message(&self, i: usize) -> &'a [u8] {
        &self.messages[i * self.message_bytes..(i + 1) * self.message_bytes]
    }

    fn signature(&self, i: usize) -> Signature {
        let bytes: [u8; SIGNATURE_BYTES] = self.signatures[i * SIGNATURE_BYTES..(i + 1) * SIGNATURE_BYTES]
            .try_into()
            .expect("sliced to 64 bytes");
        Signature::from_bytes(&bytes)
    }

    fn key_bytes(&self, i: usize) -> [u8; KEY_BYTES] {
        self.keys[i * KEY_BYTES..(i + 1) * KEY_BYTES].try_into().expect("sliced to 32 bytes")
    }

    /// None when the 32 bytes do not decode to a curve point (every verifier rejects those).
    fn key(&self, i: usize) -> Option<VerifyingKey> {
        VerifyingKey::from_bytes(&self.key_bytes(i)).ok()
    }
}

fn invalid(message: &str) -> Error {
    Error::new(Status::InvalidArg, message.to_string())
}

/// Which single-signature rule `verify_many` applies.
#[napi]
pub enum VerifyMode {
    /// ed25519-dalek `verify`: cofactorless, canonical S, R compared as bytes.
    Cofactorless,
    /// ed25519-dalek `verify_strict`: as above, and small-order A or R rejected.
    Strict,
}

/// Verifies each packed check on its own; the answer has one byte per check (1 = valid).
#[napi]
pub fn verify_many(messages: Buffer, message_bytes: u32, signatures: Buffer, keys: Buffer, mode: VerifyMode) -> Result<Buffer> {
    let packed = Packed::new(&messages, message_bytes, &signatures, &keys)?;
    let verdicts: Vec<u8> = (0..packed.count).map(|i| verify_one(&packed, i, &mode) as u8).collect();
    Ok(verdicts.into())
}

fn verify_one(packed: &Packed, i: usize, mode: &VerifyMode) -> bool {
    let Some(key) = packed.key(i) else { return false };
    let signature = packed.signature(i);
    match mode {
        VerifyMode::Cofactorless => key.verify(packed.message(i), &signature).is_ok(),
        VerifyMode::Strict => key.verify_strict(packed.message(i), &signature).is_ok(),
    }
}

/// One check, for measuring the cost of a call per signature.
#[napi]
pub fn verify(message: Buffer, signature: Buffer, key: Buffer) -> Result<bool> {
    let packed = Packed::new(&message, message.len() as u32, &signature, &key)?;
    if packed.count != 1 {
        return Err(invalid("verify takes one 64-byte signature and one 32-byte key"));
    }
    Ok(verify_one(&packed, 0, &VerifyMode::Cofactorless))
}

/// ed25519-dalek `verify_batch`: true when the cofactored batch equation holds
/// for all checks together (a false says only that at least one is bad).
#[napi]
pub fn verify_batch(messages: Buffer, message_bytes: u32, signatures: Buffer, keys: Buffer) -> Result<bool> {
    let packed = Packed::new(&messages, message_bytes, &signatures, &keys)?;
    Ok(batch_holds(&packed))
}

fn batch_holds(packed: &Packed) -> bool {
    let mut keys = Vec::with_capacity(packed.count);
    for i in 0..packed.count {
        match packed.key(i) {
            Some(key) => keys.push(key),
            None => return false,
        }
    }
    let messages: Vec<&[u8]> = (0..packed.count).map(|i| packed.message(i)).collect();
    let signatures: Vec<Signature> = (0..packed.count).map(|i| packed.signature(i)).collect();
    ed25519_dalek::verify_batch(&messages, &signatures, &keys).is_ok()
}

/// True when the batch equation holds AND every R and A is a canonically
/// encoded point of the prime-order subgroup: then the cofactored equation of
/// each signature implies its cofactorless one (8 is invertible mod L), so an
/// accepted batch means every signature passes the single cofactorless check
/// (up to the batch's 2^-128 chance of a wrong accept). A false means "check
/// one by one", not "all invalid".
#[napi]
pub fn verify_batch_exact(messages: Buffer, message_bytes: u32, signatures: Buffer, keys: Buffer) -> Result<bool> {
    let packed = Packed::new(&messages, message_bytes, &signatures, &keys)?;
    for i in 0..packed.count {
        let signature = packed.signature(i);
        if !is_canonical_prime_order(&signature.r_bytes()[..]) || !is_canonical_prime_order(&packed.key_bytes(i)) {
            return Ok(false);
        }
    }
    Ok(batch_holds(&packed))
}

fn is_canonical_prime_order(bytes: &[u8]) -> bool {
    let compressed = CompressedEdwardsY(bytes.try_into().expect("32 bytes"));
    match compressed.decompress() {
        Some(point) => point.compress() == compressed && point.is_torsion_free(),
        None => false,
    }
}

/// Which curve25519-dalek backend this build can use on this CPU, for the benchmark's report.
#[napi]
pub fn backend() -> String {
    let rustc = env!("ACCORD_RUSTC_VERSION");
    let compiled = if !cfg!(all(target_arch = "x86_64", target_pointer_width = "64")) {
        "serial"
    } else if rustc.contains("nightly") {
        "simd: AVX512-IFMA or AVX2, picked at run time"
    } else {
        "simd: AVX2 picked at run time (AVX512-IFMA needs a nightly rustc)"
    };
    #[cfg(target_arch = "x86_64")]
    let cpu = format!(
        "cpu avx2={} avx512ifma={}",
        std::is_x86_feature_detected!("avx2"),
        std::is_x86_feature_detected!("avx512ifma")
    );
    #[cfg(not(target_arch = "x86_64"))]
    let cpu = String::from("cpu not x86_64");
    format!("{compiled}; {cpu}; {rustc}")
}
