//! Class pairs whose classes are rare properties of the time (a code below
//! 1000, a truncation offset of 0): pools of times found first, samples drawn
//! from them.

use dudect_bencher::rand::RngExt;
use dudect_bencher::{BenchRng, Class};
use otpcore::Totp;

use crate::{random_class, random_time, samples, Case};

/// `(key, time)` pools of the two classes (left, right) of a pair.
pub(crate) type Pools = [Vec<(usize, u64)>; 2];

/// Times with a rare property, per class: `PER_KEY` times for every key in each
/// class's pool (found by drawing times until both are full), so the two
/// classes differ in the property only, not in which key objects they use.
/// `class_of` names the class a time at a key belongs to, if any.
pub(crate) fn pools(
    rng: &mut BenchRng,
    totps: &[Totp],
    class_of: impl Fn(usize, &Totp, u64) -> Option<Class>,
) -> Pools {
    const PER_KEY: usize = 32;
    let mut pools: Pools = [Vec::new(), Vec::new()];
    for (key, totp) in totps.iter().enumerate() {
        let mut found = [0usize; 2];
        while found.iter().any(|&n| n < PER_KEY) {
            let at = random_time(rng);
            let Some(class) = class_of(key, totp, at) else {
                continue;
            };
            let side = side(class);
            if found[side] < PER_KEY {
                pools[side].push((key, at));
                found[side] += 1;
            }
        }
    }
    pools
}

/// Which of a pair's [`Pools`] holds `class`'s times: left 0, right 1.
fn side(class: Class) -> usize {
    usize::from(matches!(class, Class::Right))
}

/// Samples from [`pools`]: a random class, a random time of its pool, and the
/// input `input` makes for that key and time.
pub(crate) fn draw_from_pools(
    rng: &mut BenchRng,
    totps: &[Totp],
    pools: &Pools,
    input: impl Fn(&mut BenchRng, &Totp, u64) -> String,
) -> Vec<Case> {
    (0..samples())
        .map(|_| {
            let class = random_class(rng);
            let pool = &pools[side(class)];
            let (key, at) = pool[rng.random_range(0..pool.len())];
            let text = input(rng, &totps[key], at);
            Case::new(class, key, at, &text)
        })
        .collect()
}
