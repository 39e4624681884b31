//! Login throttling arithmetic (SPEC §3 rule 5, SECURITY-TESTS A.2/A.3): after some free
//! failures each further failure makes the next attempt wait a growing, capped delay. There is
//! no permanent lock, so a stranger who knows a username can slow its owner down but never shut
//! them out, and a reset link always works.
//!
//! The application keeps, per account and per client address, a failure count and the time of
//! the last failure (in the database, so that all nodes share them) and asks this module when
//! the next attempt may be evaluated. An attempt made while locked is answered like a wrong
//! password without checking it, and does not count as a failure: counting it would only let an
//! attacker stretch the owner's wait.

/// How failures turn into waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Failures that cost nothing: typos.
    pub free_failures: u32,
    /// The wait after the first failure beyond the free ones; it doubles with each further one.
    pub base_delay_ms: i64,
    /// The longest wait ever imposed.
    pub max_delay_ms: i64,
    /// Failures are forgotten this long after the last one.
    pub forget_after_ms: i64,
}

const SECOND_MS: i64 = 1_000;
const MINUTE_MS: i64 = 60 * SECOND_MS;
const HOUR_MS: i64 = 60 * MINUTE_MS;

impl ThrottlePolicy {
    /// Per account: 5 free failures, then 1 s doubling to at most 15 minutes; forgotten 24 hours
    /// after the last failure. An attacker gets about 19 guesses in the first hour and about 110
    /// a day, far below what guessing a policy-conforming password needs.
    pub fn per_account() -> Self {
        Self { free_failures: 5, base_delay_ms: SECOND_MS, max_delay_ms: 15 * MINUTE_MS, forget_after_ms: 24 * HOUR_MS }
    }

    /// Per client address: more generous, because an office or a mobile carrier puts many
    /// people behind one address; 20 free failures, then the same growth, forgotten after an
    /// hour. It exists to slow spraying one password over many usernames (A.4).
    pub fn per_address() -> Self {
        Self { free_failures: 20, base_delay_ms: SECOND_MS, max_delay_ms: 15 * MINUTE_MS, forget_after_ms: HOUR_MS }
    }
}

/// The wait imposed after the `failures`-th consecutive failure: 0 while free, then
/// `base × 2^(n−1)` for the n-th paid failure, capped at the maximum. Never negative, never
/// overflowing, never decreasing in `failures`.
pub fn delay_ms(policy: &ThrottlePolicy, failures: u32) -> i64 {
    let max = policy.max_delay_ms.max(0);
    let base = policy.base_delay_ms.clamp(0, max);
    let Some(paid) = failures.checked_sub(policy.free_failures).filter(|p| *p > 0) else {
        return 0;
    };
    // 2^62 is the largest power of two an i64 holds; any larger factor is over every cap anyway.
    let doublings = paid - 1;
    if doublings >= 62 {
        return if base == 0 { 0 } else { max };
    }
    base.checked_mul(1_i64 << doublings).map_or(max, |d| d.min(max))
}

/// When the next attempt may be evaluated, or `None` if the failures so far cost nothing.
pub fn locked_until(policy: &ThrottlePolicy, failures: u32, last_failure_at: i64) -> Option<i64> {
    let delay = delay_ms(policy, failures);
    (delay > 0).then(|| last_failure_at.saturating_add(delay))
}

/// Whether an attempt at `now` must be refused unevaluated.
pub fn is_locked(policy: &ThrottlePolicy, failures: u32, last_failure_at: i64, now: i64) -> bool {
    !is_forgotten(policy, last_failure_at, now)
        && locked_until(policy, failures, last_failure_at).is_some_and(|until| now < until)
}

/// Whether the failures ending at `last_failure_at` no longer count at `now`.
pub fn is_forgotten(policy: &ThrottlePolicy, last_failure_at: i64, now: i64) -> bool {
    now.saturating_sub(last_failure_at) >= policy.forget_after_ms
}

/// The failure count to store after a failed attempt at `now`: one more, or a fresh 1 when the
/// earlier ones are forgotten (or there were none).
pub fn record_failure(policy: &ThrottlePolicy, failures: u32, last_failure_at: Option<i64>, now: i64) -> u32 {
    match last_failure_at {
        Some(last) if !is_forgotten(policy, last, now) => failures.saturating_add(1),
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// An attacker who retries the very millisecond each lock ends, from t = 0, with a wrong
    /// password every time. Returns the times at which attempts were evaluated.
    fn relentless_attacker(policy: &ThrottlePolicy, horizon_ms: i64) -> Vec<i64> {
        let mut evaluated = Vec::new();
        let (mut failures, mut last) = (0_u32, None::<i64>);
        let mut now = 0_i64;
        while now < horizon_ms {
            if let Some(l) = last
                && is_locked(policy, failures, l, now)
            {
                // The lock must end: jump to its end, which must be in the future.
                let until = locked_until(policy, failures, l).unwrap();
                assert!(until > now);
                now = until;
                continue;
            }
            evaluated.push(now);
            failures = record_failure(policy, failures, last, now);
            last = Some(now);
        }
        evaluated
    }

    #[test]
    fn at_most_100_failures_are_evaluated_in_the_first_hour() {
        for (name, policy) in [("account", ThrottlePolicy::per_account()), ("address", ThrottlePolicy::per_address())] {
            let hour = relentless_attacker(&policy, HOUR_MS);
            assert!(hour.len() <= 100, "{name}: {} attempts in the first hour", hour.len());
            assert!(hour.len() > policy.free_failures as usize, "{name}: the free failures are really free");
            // And the lock never becomes permanent: attempts keep being evaluated all day.
            let day = relentless_attacker(&policy, 24 * HOUR_MS);
            assert!(day.last().unwrap() > &(23 * HOUR_MS), "{name}: still evaluated late in the day");
        }
        for policy in [ThrottlePolicy::per_account(), ThrottlePolicy::per_address()] {
            // The long wait (the cap) is reached long before 100 consecutive failures (NIST).
            let first_capped = (0..=100).find(|f| delay_ms(&policy, *f) == policy.max_delay_ms);
            assert!(first_capped.is_some_and(|f| f <= 100), "{first_capped:?}");
        }
        assert_eq!(relentless_attacker(&ThrottlePolicy::per_account(), HOUR_MS).len(), 18);
        assert_eq!(relentless_attacker(&ThrottlePolicy::per_address(), HOUR_MS).len(), 33);
    }

    #[test]
    fn the_delays_of_the_account_policy() {
        let p = ThrottlePolicy::per_account();
        let delays: Vec<i64> = (0..=17).map(|f| delay_ms(&p, f)).collect();
        assert_eq!(
            delays,
            vec![
                0, 0, 0, 0, 0, 0, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 512_000, 900_000, 900_000
            ]
        );
        assert_eq!(locked_until(&p, 5, 10), None);
        assert_eq!(locked_until(&p, 6, 10), Some(1_010));
        assert!(is_locked(&p, 6, 10, 1_009));
        assert!(!is_locked(&p, 6, 10, 1_010));
    }

    #[test]
    fn failures_are_forgotten_a_day_after_the_last() {
        let p = ThrottlePolicy::per_account();
        assert_eq!(record_failure(&p, 0, None, 0), 1);
        assert_eq!(record_failure(&p, 9, Some(0), 24 * HOUR_MS - 1), 10);
        assert_eq!(record_failure(&p, 9, Some(0), 24 * HOUR_MS), 1);
        // A misconfigured cap longer than the memory still ends at the forgetting.
        let odd = ThrottlePolicy { max_delay_ms: 48 * HOUR_MS, ..p };
        assert!(is_locked(&odd, 40, 0, 24 * HOUR_MS - 1));
        assert!(!is_locked(&odd, 40, 0, 24 * HOUR_MS));
    }

    #[test]
    fn extreme_inputs_neither_overflow_nor_go_negative() {
        let p = ThrottlePolicy::per_account();
        assert_eq!(delay_ms(&p, u32::MAX), p.max_delay_ms);
        assert_eq!(locked_until(&p, u32::MAX, i64::MAX), Some(i64::MAX));
        assert!(!is_locked(&p, u32::MAX, i64::MAX, i64::MAX));
        assert_eq!(record_failure(&p, u32::MAX, Some(0), 1), u32::MAX);
        let huge =
            ThrottlePolicy { free_failures: 0, base_delay_ms: i64::MAX, max_delay_ms: i64::MAX, forget_after_ms: i64::MAX };
        assert_eq!(delay_ms(&huge, 2), i64::MAX);
        let negative = ThrottlePolicy { free_failures: 0, base_delay_ms: -5, max_delay_ms: -1, forget_after_ms: 0 };
        assert_eq!(delay_ms(&negative, 10), 0);
        assert_eq!(locked_until(&negative, 10, 0), None);
    }

    fn arb_policy() -> impl Strategy<Value = ThrottlePolicy> {
        (0u32..50, -10i64..10_000_000, -10i64..100_000_000, 0i64..=i64::MAX).prop_map(|(free, base, max, forget)| {
            ThrottlePolicy { free_failures: free, base_delay_ms: base, max_delay_ms: max, forget_after_ms: forget }
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn delays_never_decrease_never_exceed_the_max_and_always_end(
            policy in prop_oneof![Just(ThrottlePolicy::per_account()), Just(ThrottlePolicy::per_address()), arb_policy()],
            failures in prop_oneof![0u32..100, any::<u32>()],
            last in any::<i64>(),
        ) {
            let d = delay_ms(&policy, failures);
            prop_assert!(d >= 0);
            prop_assert!(d <= policy.max_delay_ms.max(0));
            prop_assert!(delay_ms(&policy, failures.saturating_add(1)) >= d);
            match locked_until(&policy, failures, last) {
                None => prop_assert!(!is_locked(&policy, failures, last, last)),
                Some(until) => {
                    prop_assert!(until >= last);
                    prop_assert!(until - last <= policy.max_delay_ms);
                    prop_assert!(!is_locked(&policy, failures, last, until), "the lock ends at its instant");
                }
            }
        }
    }
}
