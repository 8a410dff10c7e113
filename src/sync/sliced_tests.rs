//! Issue 13: the streamed import — a file read in slices, checked and previewed in pass 1,
//! absorbed in groups in pass 2 — against the whole-file import.

use super::*;
use crate::sync::sliced::{apply_import_sliced, plan_import_sliced, StreamPlan};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// Pass 1 over `bytes` in slices of `slice` bytes; pass 2 reads the file again.
fn plan_sliced(
    app: &App<MemoryStore>,
    bytes: &[u8],
    pass: Option<&str>,
    now: i64,
    slice: usize,
) -> Result<StreamPlan, ImportError> {
    plan_kept(app, bytes, pass, now, slice, false)
}

/// Pass 1; `kept`: the file is within `keep_max_bytes` (what it adds is held for pass 2).
fn plan_kept(
    app: &App<MemoryStore>,
    bytes: &[u8],
    pass: Option<&str>,
    now: i64,
    slice: usize,
    kept: bool,
) -> Result<StreamPlan, ImportError> {
    let settings = ImportSettings {
        keep_max_bytes: if kept { bytes.len() as u64 } else { 0 },
        ..ImportSettings::default()
    };
    let mut src = bytes;
    let mut last = 0;
    let r = block_on(plan_import_sliced(
        app,
        Some(&boss()),
        &mut src,
        pass,
        now,
        &settings,
        slice,
        &mut |done, total| {
            assert!(
                done >= last && done <= total,
                "progress grows within the file"
            );
            last = done;
        },
    ));
    if r.is_ok() {
        assert_eq!(last, bytes.len() as u64, "every byte checked");
    }
    r
}

/// Pass 2 in groups of `group`, stopped after `stop` groups when given.
fn apply_sliced(
    app: &App<MemoryStore>,
    sp: &StreamPlan,
    bytes: &[u8],
    now: i64,
    group: usize,
    slice: usize,
    stop: Option<usize>,
) -> Result<ImportOutcome, crate::app::AppError> {
    let mut src = bytes;
    block_on(apply_import_sliced(
        app,
        Some(&boss()),
        sp,
        &mut src,
        now,
        group,
        slice,
        &mut |_, _| {},
        stop,
    ))
}

/// The preview a streamed plan shows equals the whole-file plan's (without the events held,
/// unless `kept`: then with the same events and photos).
fn same_preview(sliced: &ImportPlan, whole: &ImportPlan, kept: bool) {
    assert_eq!(sliced.new_count, whole.new_events.len());
    assert_eq!(sliced.photo_count, whole.blobs.len());
    assert_eq!(sliced.already_present, whole.already_present);
    assert_eq!(sliced.modules, whole.modules);
    assert_eq!(sliced.conflicts, whole.conflicts);
    assert_eq!(sliced.quarantined, whole.quarantined);
    assert_eq!(sliced.sync, whole.sync);
    assert_eq!(sliced.duty_log_problems, whole.duty_log_problems);
    assert_eq!(sliced.header, whole.header);
    assert_eq!(sliced.summary(), whole.summary());
    if kept {
        assert_eq!(sliced.new_events, whole.new_events);
        assert_eq!(sliced.blobs, whole.blobs);
    } else {
        assert!(
            sliced.new_events.is_empty() && sliced.blobs.is_empty(),
            "nothing held"
        );
    }
}

/// The preview's counts (new events, already present, records per module, photos), the
/// conflicts (record, field group, winner, loser) and the events held after the import, for
/// `file` imported onto a tablet holding `before`: set arithmetic over the parsed file and the
/// conflict rule applied to each record's newest events, independently of `merge::Analysis`.
#[allow(clippy::type_complexity)]
fn expectation(
    file: &ParsedFile,
    before: &[Event],
) -> (
    (
        usize,
        usize,
        BTreeMap<RecordKind, merge::ModuleCounts>,
        usize,
    ),
    BTreeSet<(RecordRef, String, EventId, EventId)>,
    Vec<(Id, String)>,
) {
    let held: HashSet<EventId> = before.iter().map(|e| e.id).collect();
    let new: Vec<&Event> = file
        .events
        .iter()
        .filter(|e| !held.contains(&e.id))
        .collect();
    let mut modules: BTreeMap<RecordKind, merge::ModuleCounts> = BTreeMap::new();
    let mut subjects: BTreeSet<RecordRef> = BTreeSet::new();
    for e in &new {
        let m = modules.entry(e.subject.kind).or_default();
        m.new_events += 1;
        if subjects.insert(e.subject) {
            if before.iter().any(|b| b.subject == e.subject) {
                m.updated_records += 1;
            } else {
                m.new_records += 1;
            }
        }
    }
    let newest = |evs: Vec<&Event>| evs.into_iter().max_by_key(|e| (e.at, e.id)).cloned();
    let mut conflicts = BTreeSet::new();
    for s in &subjects {
        let groups: BTreeSet<String> = new
            .iter()
            .filter(|e| e.subject == *s)
            .map(|e| merge::field_group(&e.body).into_owned())
            .filter(|g| g != merge::APPEND)
            .collect();
        for g in groups {
            let of = |e: &&Event| e.subject == *s && merge::field_group(&e.body) == g.as_str();
            let (Some(h), Some(n)) = (
                newest(before.iter().filter(of).collect()),
                newest(new.iter().copied().filter(of).collect()),
            ) else {
                continue;
            };
            if h.device() == n.device() || crate::sync::covered(&file.header.seen, &h) {
                continue;
            }
            if h.body != n.body {
                let (w, l) = if (n.at, n.id) > (h.at, h.id) {
                    (n.id, h.id)
                } else {
                    (h.id, n.id)
                };
                conflicts.insert((*s, g.clone(), w, l));
            }
        }
    }
    let mut ids: Vec<(Id, String)> = before
        .iter()
        .map(|e| (e.id, e.hash.clone()))
        .chain(new.iter().map(|e| (e.id, e.hash.clone())))
        .collect();
    ids.sort();
    ids.dedup();
    let photos: HashSet<&str> = file.blobs.iter().map(|b| b.sha256.as_str()).collect();
    (
        (
            new.len(),
            file.events.len() - new.len(),
            modules,
            photos.len(),
        ),
        conflicts,
        ids,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..Default::default() })]

    /// Issue 13: a file read in slices of any size, absorbed in groups, interrupted after any
    /// group (a tab closed halfway) and finished by choosing the same file again, leaves the
    /// same store — events, views, watermarks, open conflicts, photos — as the whole-file
    /// import; the preview is the same. `kept`: a file within `keep_max_bytes` (the daily
    /// exchange), whose pass 2 absorbs what pass 1 kept, leaves the same store.
    #[test]
    fn issue_13_a_sliced_import_interrupted_anywhere_equals_the_whole_file_import(
        edits in proptest::collection::vec((0u64..40, 1i32..40), 1..250),
        local in proptest::collection::vec((0u64..40, 1i32..40), 0..4),
        group in 1usize..80,
        stop in 0usize..6,
        slice in prop_oneof![1usize..100, 100usize..9000, 9000usize..300_000],
        photo in proptest::bool::ANY,
        encrypted in proptest::bool::ANY,
        kept in proptest::bool::ANY,
    ) {
        let a = found(1, "翠湖花园");
        let tablets: Vec<_> = (0..2).map(|_| join(2, &a, None)).collect();
        for b in &tablets {
            for (i, (n, f)) in local.iter().enumerate() {
                set_building(b, *n, *f, T0 + 2 * MIN + i as i64);
            }
        }
        let mut key = None;
        for (i, (n, f)) in edits.iter().enumerate() {
            set_building(&a, *n, *f, T0 + 3 * MIN + i as i64);
            if photo && i == edits.len() / 2 {
                // Larger than a segment: a segment of its own.
                let big: Vec<u8> = (0..70_000u32).map(|i| (i * 7919 % 251) as u8).collect();
                let k = a.stage_photo(crate::store::PhotoRow::new("image/jpeg", big));
                finding_with(&a, std::slice::from_ref(&k), T0 + 3 * MIN + i as i64);
                key = Some(k);
            }
        }
        let pass = encrypted.then_some(PASS);
        let file = export(&a, None, pass, T0 + HOUR).bytes;
        let now = T0 + HOUR;
        // What the import must do, computed apart from the import analysis (issue 13: the
        // whole-file and the sliced imports run the same one): from the file as parsed and the
        // events the tablet held before.
        let parsed = format::parse(&file, pass).unwrap();
        let before = tablets[1].store.all_events();
        let (expected_preview, expected_conflicts, expected_ids) = expectation(&parsed, &before);
        // The whole-file import.
        let whole = plan(&tablets[0], &file, pass, now).unwrap();
        prop_assert_eq!(
            (whole.new_count, whole.already_present, &whole.modules, whole.photo_count),
            (
                expected_preview.0,
                expected_preview.1,
                &expected_preview.2,
                expected_preview.3
            )
        );
        let conflicts: BTreeSet<_> = whole
            .conflicts
            .iter()
            .map(|c| (c.subject, c.field.clone(), c.winner.event, c.loser.event))
            .collect();
        prop_assert_eq!(conflicts, expected_conflicts);
        block_on(apply_import(&tablets[0], Some(&boss()), &whole, now)).unwrap();
        // The sliced one, interrupted, then the same file chosen again.
        let b = &tablets[1];
        let sp = plan_kept(b, &file, pass, now, slice, kept).unwrap();
        same_preview(&sp.plan, &whole, kept);
        prop_assert_eq!(&sp.file, &file_id(&file));
        apply_sliced(b, &sp, &file, now, group, slice, Some(stop)).unwrap();
        let groups = whole.new_events.len().div_ceil(group).max(1);
        let marker = block_on(import_marker(&b.store)).unwrap();
        if stop == 0 || stop >= groups {
            prop_assert!(marker.is_none());
        } else {
            let m = marker.unwrap();
            prop_assert_eq!(m.done, (stop * group) as u64);
            prop_assert_eq!(m.events, whole.new_events.len() as u64);
        }
        let again = plan_kept(b, &file, pass, now, slice, kept).unwrap();
        let out = apply_sliced(b, &again, &file, now, group, slice, None).unwrap();
        prop_assert_eq!(out.added, again.plan.new_count);
        prop_assert!(block_on(import_marker(&b.store)).unwrap().is_none());
        prop_assert_eq!(sorted_ids(b), expected_ids);
        prop_assert_eq!(store_state(&tablets[0]), store_state(b));
        if let Some(k) = key {
            prop_assert!(photo_bytes(b, &k).is_some());
            prop_assert_eq!(photo_bytes(b, &k), photo_bytes(&tablets[0], &k));
        }
        // The same file once more: nothing new.
        let noop = plan_sliced(b, &file, pass, now, slice).unwrap();
        prop_assert!(noop.plan.is_noop());

        // Onto a blank tablet (a restore): the groups keep their views in memory (a small
        // cache under test: most groups evict some, and records evicted come back) and write
        // the rest at the end (issue 13). Interrupted, the fold of every record is pending
        // (the next open runs it) and every view written so far folds part of its record's
        // stored events; finished, the tablet holds the file's events and shows every record
        // as the usual fold of the same events does.
        let c = open(MemoryStore::new(), 5);
        let sp = plan_kept(&c, &file, pass, now, slice, kept).unwrap();
        apply_sliced(&c, &sp, &file, now, group, slice, Some(stop)).unwrap();
        if stop > 0 && stop < groups {
            prop_assert!(crate::testkit::views_pending(&c));
            let so_far = open(MemoryStore::new(), 7);
            block_on(so_far.absorb(c.store.all_events(), now)).unwrap();
            let usual: BTreeMap<String, crate::domain::view::View> = so_far
                .store
                .views()
                .into_iter()
                .map(|v| (v.key.clone(), v))
                .collect();
            for v in c.store.views() {
                let whole = usual.get(&v.key);
                prop_assert!(whole.is_some_and(|u| u.events >= v.events && u.created <= v.created));
            }
        }
        let again = plan_kept(&c, &file, pass, now, slice, kept).unwrap();
        apply_sliced(&c, &again, &file, now, group, slice, None).unwrap();
        prop_assert!(!crate::testkit::views_pending(&c));
        let file_ids: BTreeSet<EventId> = parsed.events.iter().map(|e| e.id).collect();
        let held: BTreeSet<EventId> = c.store.all_events().iter().map(|e| e.id).collect();
        prop_assert_eq!(held, file_ids);
        // The same events absorbed the usual way, a group at a time, fold to the same views.
        let usual = open(MemoryStore::new(), 6);
        block_on(usual.absorb(c.store.all_events(), now)).unwrap();
        prop_assert_eq!(c.store.views(), usual.store.views());
    }
}

/// Issue 13: a file cut at any segment boundary or inside a segment, or altered in any segment
/// (with or without its checksum recomputed), is refused by the sliced pass 1 — nothing is
/// written; an altered file is refused as the whole-file import refuses it; a wrong or missing
/// passphrase gives the usual message.
#[test]
fn issue_13_a_sliced_import_of_a_cut_or_tampered_file_writes_nothing() {
    let a = many_segments();
    let k = a.stage_photo(crate::store::PhotoRow::new("image/jpeg", JPEG_1.to_vec()));
    finding_with(&a, std::slice::from_ref(&k), T0 + HOUR);
    // b holds a's estate; a then edits a building.
    let b = open(MemoryStore::new(), 2);
    import(
        &b,
        &export(&a, None, None, T0 + HOUR).bytes,
        None,
        T0 + HOUR,
    );
    set_building(&a, 7, 33, T0 + 2 * HOUR);
    let before = sorted_ids(&b);
    for pass in [None, Some(PASS)] {
        let file = export(&a, None, pass, T0 + 3 * HOUR).bytes;
        let (offsets, end_start) = frames(&file);
        assert!(offsets.len() >= 3);
        let mut cuts: Vec<usize> = offsets.clone();
        cuts.extend([offsets[1] + 2, offsets[1] + 100, end_start, end_start + 5]);
        cuts.extend([file.len() - 1, file.len() - 72, 3, 20]);
        for cut in cuts {
            for slice in [1000, 65_536, SLICE] {
                let r = plan_sliced(&b, &file[..cut], pass, T0 + 3 * HOUR, slice);
                assert!(r.is_err(), "cut at {cut} accepted");
            }
        }
        for (i, &o) in offsets.iter().enumerate() {
            let mut edited = file.clone();
            edited[o + 40] ^= 1;
            assert_eq!(
                plan_sliced(&b, &edited, pass, T0 + 3 * HOUR, 4096).unwrap_err(),
                ImportError::ChecksumMismatch,
                "segment {i}"
            );
            let recomputed = format::with_trailer(&edited[..edited.len() - format::TRAILER_LEN]);
            let whole = plan(&b, &recomputed, pass, T0 + 3 * HOUR).unwrap_err();
            let sliced = plan_sliced(&b, &recomputed, pass, T0 + 3 * HOUR, 4096).unwrap_err();
            assert_eq!(sliced, whole, "segment {i} altered, checksum recomputed");
        }
        assert_eq!(sorted_ids(&b), before, "nothing written");
        assert!(block_on(import_marker(&b.store)).unwrap().is_none());
    }
    let file = export(&a, None, Some(PASS), T0 + 3 * HOUR).bytes;
    assert_eq!(
        plan_sliced(&b, &file, Some("wrong horse battery"), T0 + 3 * HOUR, 5000).unwrap_err(),
        ImportError::WrongPassphrase
    );
    assert_eq!(
        plan_sliced(&b, &file, None, T0 + 3 * HOUR, 5000).unwrap_err(),
        ImportError::PassphraseRequired
    );
    // The file changed between the passes: pass 2 refuses the segment that differs.
    let sp = plan_sliced(&b, &file, Some(PASS), T0 + 3 * HOUR, SLICE).unwrap();
    assert!(sp.plan.new_count > 0);
    let (offsets, _) = frames(&file);
    let mut changed = file.clone();
    changed[offsets[0] + 30] ^= 1;
    assert!(apply_sliced(&b, &sp, &changed, T0 + 3 * HOUR, 2000, SLICE, None).is_err());
    assert_eq!(sorted_ids(&b), before, "nothing written");
    // The intact file imports.
    apply_sliced(&b, &sp, &file, T0 + 3 * HOUR, 2000, SLICE, None).unwrap();
    assert!(sorted_ids(&b).len() > before.len());
    assert_eq!(photo_bytes(&b, &k), Some(JPEG_1.to_vec()));
}

/// Issue 13: the photos a streamed import stores: each with the group whose events first name
/// it, and a photo no new event names (this tablet holds the events, not the picture) in the
/// last group; an already-held photo is not stored again.
#[test]
fn issue_13_a_sliced_import_stores_the_photos_of_its_events_and_those_missing_here() {
    let a = many_segments();
    let k1 = a.stage_photo(crate::store::PhotoRow::new("image/jpeg", JPEG_1.to_vec()));
    finding_with(&a, std::slice::from_ref(&k1), T0 + HOUR);
    let file = export(&a, None, None, T0 + 2 * HOUR).bytes;
    // A blank tablet restores the full backup in groups of 50.
    let c = open(MemoryStore::new(), 3);
    let sp = plan_sliced(&c, &file, None, T0 + 2 * HOUR, 10_000).unwrap();
    assert_eq!(sp.plan.photo_count, 1);
    let mut seen = Vec::new();
    let mut src: &[u8] = &file;
    block_on(apply_import_sliced(
        &c,
        None,
        &sp,
        &mut src,
        T0 + 2 * HOUR,
        50,
        10_000,
        &mut |d, t| seen.push((d, t)),
        None,
    ))
    .unwrap();
    let whole = open(MemoryStore::new(), 3);
    import(&whole, &file, None, T0 + 2 * HOUR);
    assert!(
        store_state(&c) == store_state(&whole),
        "the same store as the whole-file import"
    );
    assert_eq!(photo_bytes(&c, &k1), Some(JPEG_1.to_vec()));
    assert!(seen.len() > 5 && seen.windows(2).all(|w| w[0].0 < w[1].0));
    assert_eq!(seen.last().map(|s| s.0), Some(sp.plan.new_count as u64));
    // A tablet holding every event but not the photo gets the photo (last group).
    let d = open(MemoryStore::new(), 4);
    block_on(d.absorb(a.store.all_events(), T0 + 2 * HOUR)).unwrap();
    assert_eq!(photo_bytes(&d, &k1), None);
    let sp = plan_sliced(&d, &file, None, T0 + 2 * HOUR, SLICE).unwrap();
    assert!(sp.plan.is_noop());
    apply_sliced(&d, &sp, &file, T0 + 2 * HOUR, 2000, SLICE, None).unwrap();
    assert_eq!(photo_bytes(&d, &k1), Some(JPEG_1.to_vec()));
}

/// Issue 13: pass 2 trusts pass 1's finding of what is held (no second lookup per id) and
/// commits its groups as new. When the tablet changed in between — another tab imported the
/// same file, or part of it — the groups are looked up again: nothing is stored twice and the
/// store equals one plain import.
#[test]
fn issue_13_a_plan_made_stale_by_another_import_still_imports_each_event_once() {
    let a = many_segments();
    let k1 = a.stage_photo(crate::store::PhotoRow::new("image/jpeg", JPEG_1.to_vec()));
    finding_with(&a, std::slice::from_ref(&k1), T0 + HOUR);
    let file = export(&a, None, None, T0 + 2 * HOUR).bytes;
    let now = T0 + 2 * HOUR;
    let whole = open(MemoryStore::new(), 3);
    import(&whole, &file, None, now);
    for (blank, part) in [(true, 1.0), (true, 0.3), (false, 0.6)] {
        let b = open(MemoryStore::new(), 4);
        // The file's events, as one import stored them.
        let events = whole.store.all_events();
        if !blank {
            // Held before the check: pass 1 remembers these ids.
            block_on(b.absorb(events[..events.len() / 4].to_vec(), now)).unwrap();
        }
        let sp = plan_sliced(&b, &file, None, now, 10_000).unwrap();
        // Another tab imports part of the file after the check, before pass 2.
        let n = (events.len() as f64 * part) as usize;
        block_on(b.absorb(events[..n].to_vec(), now)).unwrap();
        let out = apply_sliced(&b, &sp, &file, now, 50, 10_000, None).unwrap();
        assert_eq!(
            out.added,
            events.len() - n.max(if blank { 0 } else { events.len() / 4 }),
            "each event is added once (blank {blank}, {part} imported meanwhile)"
        );
        let (got, want) = (store_state(&b), store_state(&whole));
        assert!(
            got == want,
            "the same store as one import (blank {blank}, {part} imported meanwhile)"
        );
        assert_eq!(photo_bytes(&b, &k1), Some(JPEG_1.to_vec()));
    }
}

/// Issue 13 with issue 12's signatures: an enrolled tablet's file (its events before the
/// enrolment unsigned and attested, later ones signed, the end line signed) passes the sliced
/// check with the whole-file preview; the same file with its signature stripped is refused.
#[test]
fn issue_13_a_sliced_import_checks_signatures_and_attestations_as_the_whole_file_import() {
    let a = many_segments();
    block_on(a.enroll(&director(&a), T0 + 3 * MIN)).unwrap();
    set_building(&a, 5, 12, T0 + HOUR);
    let file = export(&a, None, None, T0 + 2 * HOUR).bytes;
    let c = open(MemoryStore::new(), 3);
    let whole = plan(&c, &file, None, T0 + 2 * HOUR).unwrap();
    assert!(whole.header.sig.is_some());
    let sp = plan_sliced(&c, &file, None, T0 + 2 * HOUR, 3000).unwrap();
    same_preview(&sp.plan, &whole, false);
    // Kept whole (no segment digests): the segments written before the enrolment are checked
    // again from the bytes pass 1 kept.
    let kept = plan_kept(&c, &file, None, T0 + 2 * HOUR, 3000, true).unwrap();
    same_preview(&kept.plan, &whole, true);
    // The end line without its signature (checksum recomputed): refused as by the whole path.
    let (_, end_start) = frames(&file);
    let body = &file[..file.len() - format::TRAILER_LEN];
    let end = String::from_utf8(body[end_start..].to_vec()).unwrap();
    let cut = end.find(",\"sig\":").unwrap();
    let mut stripped = body[..end_start].to_vec();
    stripped.extend(&end.as_bytes()[..cut]);
    stripped.extend(b"}\n");
    let stripped = format::with_trailer(&stripped);
    let refused = plan(&c, &stripped, None, T0 + 2 * HOUR).unwrap_err();
    assert!(
        matches!(refused, ImportError::Untrusted { .. }),
        "{refused:?}"
    );
    assert_eq!(
        plan_sliced(&c, &stripped, None, T0 + 2 * HOUR, 3000).unwrap_err(),
        refused
    );
    apply_sliced(&c, &sp, &file, T0 + 2 * HOUR, 100, SLICE, None).unwrap();
    let w = open(MemoryStore::new(), 3);
    import(&w, &file, None, T0 + 2 * HOUR);
    assert!(store_state(&c) == store_state(&w));
}

/// Issue 13: one analysis, one answer. A file with faults in several segments — an event this
/// tablet holds, edited (hash recomputed) in the first segment; a later event of an enrolled
/// tablet edited with its signature kept, in the last — is refused alike by the whole-file
/// and the sliced import, at any slice size, in the checks' order (9b, a signature, before 11,
/// an id held here with other content), not in the order of the segments.
#[test]
fn issue_13_faults_in_several_segments_are_refused_alike_in_the_checks_order() {
    use crate::domain::device::Untrusted;
    let a = many_segments();
    block_on(a.enroll(&director(&a), T0 + 3 * MIN)).unwrap();
    let b = join(2, &a, None);
    let late = set_building(&a, 900, 33, T0 + HOUR);
    let file = export(&a, None, None, T0 + 2 * HOUR).bytes;
    let held = |t: &str| t.replace("\"name\":\"10号楼\"", "\"name\":\"十号楼\"");
    let both = |t: &str| held(t).replace("\"name\":\"900号楼\"", "\"name\":\"九百号楼\"");
    let now = T0 + 2 * HOUR;
    let bad_signature = ImportError::Untrusted {
        id: late[0].id,
        why: Untrusted::BadSignature { device: device(1) },
    };
    type Edit<'a> = &'a dyn Fn(&str) -> String;
    let cases: [(Edit, bool, ImportError); 3] = [
        (&both, true, bad_signature.clone()),
        (&both, false, bad_signature),
        // The held event alone: the header's signature (9c) before it, then 11.
        (
            &held,
            false,
            ImportError::Untrusted {
                id: Default::default(),
                why: Untrusted::HeaderUnsigned { device: device(1) },
            },
        ),
    ];
    let signed = |f: Vec<u8>| format::sign_file(&f, |d| a.sign_file_digest(d).unwrap());
    let held_signed = (
        signed(crate::sync::fuzzing::doctor(&file, held, true)),
        ImportError::TamperedEvent {
            id: a
                .store
                .all_events()
                .iter()
                .find(|e| e.to_json().contains("\"name\":\"10号楼\""))
                .unwrap()
                .id,
            how: Tamper::DiffersFromKnown,
        },
    );
    let files = cases
        .into_iter()
        .map(|(edit, sign, expected)| {
            let f = crate::sync::fuzzing::doctor(&file, edit, true);
            (if sign { signed(f) } else { f }, expected)
        })
        .chain([held_signed]);
    for (doctored, expected) in files {
        let (offsets, _) = frames(&doctored);
        assert!(offsets.len() >= 3, "several segments");
        assert_eq!(plan(&b, &doctored, None, now).unwrap_err(), expected);
        for slice in [1000, 65_536, SLICE] {
            assert_eq!(
                plan_sliced(&b, &doctored, None, now, slice).unwrap_err(),
                expected,
                "slice {slice}"
            );
        }
    }
}

/// Issue 13: a photo's hash is checked once, by the analysis (the streamed check reads the
/// lines only): a tampered photo refuses the file alike read whole or in slices, after every
/// event's own check and before the rest — here before check 10 (a blank tablet given a file
/// without the estate's founding event), which the same file with its photo intact gets.
#[test]
fn issue_13_a_tampered_photo_is_refused_alike_read_whole_or_in_slices() {
    let a = many_segments();
    let key = a.stage_photo(crate::store::PhotoRow::new("image/jpeg", JPEG_1.to_vec()));
    finding_with(&a, std::slice::from_ref(&key), T0 + HOUR);
    let good = export(&a, None, None, T0 + 2 * HOUR).bytes;
    let parsed = parse(&good, None).unwrap();
    let mut tampered = parsed.blobs[0].clone();
    tampered.data = Blob::new("image/jpeg", b"\xff\xd8 another picture!!").data;
    let now = T0 + 2 * HOUR;
    for (blob, expected) in [
        (
            tampered,
            ImportError::TamperedBlob {
                sha256: key[7..].to_string(),
            },
        ),
        (
            parsed.blobs[0].clone(),
            ImportError::NeedFullExport {
                estate: parsed.header.estate.name.clone(),
            },
        ),
    ] {
        let mut body = Vec::new();
        for e in parsed.events.iter().filter(|e| !merge::is_founded(e)) {
            body.extend(format!("{{\"event\":{}}}\n", e.to_json()).into_bytes());
        }
        body.extend(serde_json::to_vec(&Record::Blob(blob)).unwrap());
        body.push(b'\n');
        let mut header = parsed.header.clone();
        header.counts.events = parsed.events.len() as u64 - 1;
        header.counts.blobs = 1;
        let file = format::encode_body(header, &body, None).1;
        assert!(frames(&file).0.len() >= 3, "several segments");
        let blank = open(MemoryStore::new(), 3);
        assert_eq!(plan(&blank, &file, None, now).unwrap_err(), expected);
        for slice in [1000, SLICE] {
            assert_eq!(
                plan_sliced(&blank, &file, None, now, slice).unwrap_err(),
                expected,
                "slice {slice}"
            );
        }
        assert_eq!(event_count(&blank), 0);
    }
}

/// Issue 13 (CMP-8): a record the file first only appends to (progress notes, kept from both
/// tablets) is counted from whether it is held, without reading its events; a field the file
/// sets on it later (the customer contacted) is still compared with this tablet's, so the
/// concurrent edit is reported — read whole, in slices, and kept whole (the daily exchange),
/// and the same as a file that only appends reports no conflict.
#[test]
fn issue_13_a_record_appended_to_then_edited_later_in_the_file_still_conflicts() {
    use crate::domain::complaints::ComplaintsEvent;
    use crate::domain::event::{Draft, EventBody};
    let c = RecordRef::new(RecordKind::Complaint, bid(77));
    let write = |app: &App<MemoryStore>, at: i64, body: ComplaintsEvent| {
        let d = Draft {
            subject: c,
            body: EventBody::Complaints(body),
        };
        block_on(app.record(at, Some(sid(1)), vec![d])).unwrap()
    };
    let note = |app: &App<MemoryStore>, at: i64, n: i64| {
        let note = format!("第{n}次处理进度：维修人员已到场，更换了配件，正在试运行。");
        write(
            app,
            at,
            ComplaintsEvent::Progress {
                at,
                by: sid(1),
                note,
            },
        )
    };
    let contact = |app: &App<MemoryStore>, at: i64, note: &str| {
        let note = note.to_string();
        write(
            app,
            at,
            ComplaintsEvent::Contacted {
                at,
                by: sid(1),
                note,
            },
        )
    };
    let a = found(1, "翠湖花园");
    note(&a, T0 + MIN, 0);
    let b = join(2, &a, None);
    // Unsynced: b contacts the customer; a writes notes (several segments), then contacts too.
    let on_b = contact(&b, T0 + 2 * MIN, "已电话联系业主");
    for i in 1..400 {
        note(&a, T0 + 3 * MIN + i, i);
    }
    let appended_only = export(&a, Some(2), None, T0 + 30 * MIN).bytes;
    let on_a = contact(&a, T0 + 40 * MIN, "业主不在家，已留言");
    let file = export(&a, Some(2), None, T0 + HOUR).bytes;
    assert!(frames(&file).0.len() > 2, "the notes fill several segments");
    let now = T0 + HOUR;
    let whole = plan(&b, &file, None, now).unwrap();
    assert_eq!(whole.conflicts.len(), 1);
    let k = &whole.conflicts[0];
    assert_eq!((k.subject, k.field.as_str()), (c, "contact"));
    assert_eq!((k.winner.event, k.loser.event), (on_a[0].id, on_b[0].id));
    let m = &whole.modules[&RecordKind::Complaint];
    assert_eq!(
        (m.new_records, m.updated_records, m.new_events),
        (0, 1, 400)
    );
    for slice in [200, 5_000, 1 << 20] {
        for kept in [false, true] {
            let sp = plan_kept(&b, &file, None, now, slice, kept).unwrap();
            same_preview(&sp.plan, &whole, kept);
        }
    }
    // Only appends: the record counted as updated, nothing to compare.
    let p = plan(&b, &appended_only, None, now).unwrap();
    assert!(p.conflicts.is_empty());
    let m = &p.modules[&RecordKind::Complaint];
    assert_eq!(
        (m.new_records, m.updated_records, m.new_events),
        (0, 1, 399)
    );
    let sp = plan_kept(&b, &appended_only, None, now, 5_000, true).unwrap();
    same_preview(&sp.plan, &p, true);
    // Imported: b holds every note and both contacts, the later one shown.
    let out = apply_sliced(&b, &sp, &appended_only, now, 64, 5_000, None).unwrap();
    assert_eq!(out.added, 399);
}
