/// The draw explained for the public (Art. 17): the text of `docs/draw-algorithm.md`, kept here
/// so that `spotcheck round publish-draw` can publish it beside every draw. A test checks that
/// the file in docs/ is this text.
public enum DrawAlgorithmDocument {
    public static let fileName = "draw-algorithm.md"

    public static let markdown = #"""
# How SpotCheck draws, and how to check a draw yourself

SpotCheck draws the institutions to inspect and the inspectors who inspect them (双随机,
Art. 10(2) and Art. 11 of 宁司通〔2020〕1号) in a way anyone can repeat. This page explains the
method, called SPOTCHECK-DRAW-1, well enough to recompute a published draw with nothing but
`sha256sum` and a short script. The `spotcheck draw verify` command does the same thing, and
`Tests/DrawTests/Independent/draw.py` in this repository is a second, independent program
(Python, standard library only) that does it too.

## The idea in one paragraph

Before anything is drawn, the judicial office publishes a **manifest**: the list of
institutions that can be drawn, the inspectors, the recusal pairs, the sampling rates, and the
public random numbers it will use — numbers that do not exist yet, such as a named welfare-lottery
drawing, a public randomness beacon round, or dice thrown by observers. The manifest's SHA-256
fingerprint is recorded. Once those numbers are published, everything else follows from them by
fixed rules: every institution and every inspector gets a "ticket" (a SHA-256 value), and the
lowest tickets win. Nobody, including the office, can choose the outcome: the manifest was fixed
before the random numbers existed, and the random numbers were fixed by someone else.

## Step 1 — the manifest and its fingerprint

The manifest is a JSON file (`manifest.json`) that is never rewritten after it is announced.
Its fingerprint is the SHA-256 of its exact bytes, in lower-case hexadecimal:

    sha256sum manifest.json

If the file you hold gives a different fingerprint from the published `manifest_sha256`, it is not
the announced manifest. The manifest lists, among other things:

- `institutions`: id, jurisdiction (GB/T 2260 code), risk (`normal` or `high`), and whether it is
  eligible (a suspended institution is listed but not eligible, with the reason);
- `inspectors`: id, pool (`local`, or `fallback` for inspectors delegated by the level above,
  pooled or from a neighbouring area) and whether available;
- `conflicts`: inspector–institution pairs that must never meet (recusal);
- `rates`: the sampling ratios as exact fractions (for example 5/100 for normal risk, 20/100 for
  high risk), `team_size` (at least 2), an optional cap on assignments per inspector, whether each
  county is sampled separately, and whether jurisdictions are drawn first;
- `sources`: the public random values to come, in order, each with a name and a kind.

## Step 2 — the seed

When the sources have been published, each value is written in a fixed form and the forms are
joined into a **key string** (the method of RFC 3797, section 4):

- a list of numbers (lottery balls, dice): sorted from smallest to largest, each number written in
  decimal followed by a dot; for example the balls 7 19 3 28 14 31 9 become `3.7.9.14.19.28.31.`;
- a text (a beacon's hexadecimal output): lower-cased, followed by a dot;
- after each source, a slash `/`.

The **seed** is the SHA-256 of the text `SPOTCHECK-DRAW-1`, a line break, the manifest
fingerprint, a line break, and the key string (no final line break):

    printf 'SPOTCHECK-DRAW-1\n%s\n%s' "$MANIFEST_SHA256" "$KEY_STRING" | sha256sum

## Step 3 — tickets

A ticket for an id in a domain is the SHA-256 of the seed, a line break, the domain, a line
break, and the id:

    printf '%s\n%s\n%s' "$SEED" institution "$INSTITUTION_ID" | sha256sum

The domains are `jurisdiction` (when jurisdictions are drawn first), `institution`, and
`inspector/` followed by the institution's id (so each institution has its own order of
inspectors). Smaller tickets come first; comparing the hexadecimal strings alphabetically is the
same as comparing the numbers. Two equal tickets never happen in practice; if they did, the id
that sorts first byte by byte would come first.

## Step 4 — institutions

1. If the manifest says to draw jurisdictions first (Art. 12), every jurisdiction that has at
   least one institution in the manifest gets a `jurisdiction` ticket; the ones with the `k`
   smallest tickets are drawn, and only their institutions take part below.
2. The institutions are split into groups: by risk level, or — when each county is sampled
   separately — by jurisdiction and risk level. Groups are taken in order of jurisdiction code,
   and within a jurisdiction `high` before `normal`. Both risk groups exist in every jurisdiction
   even when one is empty.
3. In each group, the number to draw is the group's size times its rate, rounded **up**:
   `(N × num + den − 1) ÷ den` in whole numbers. N counts every institution in the group, eligible
   or not (Art. 8 counts all of them). The eligible ones are ordered by their `institution`
   ticket and the first ones are drawn. If there are too few eligible institutions, the missing
   number is published as a **shortfall**.

## Step 5 — teams

The drawn institutions are taken in the order they were drawn (group by group, ticket order
within a group). For each one, the available inspectors are lined up: local inspectors before
fallback ones, and within each, by their `inspector/<institution id>` ticket. Walking down that
line, an inspector is passed over if they have a recusal pair with the institution (reason
`conflict`) or already hold as many assignments in this round as the cap allows (reason
`at-capacity`); everyone else joins the team, until the team is full. A team that cannot be
filled is published with its shortfall. The passed-over inspectors are published too.

## Step 6 — substitutions

If a drawn inspector later cannot serve (illness, a conflict found later), the draw is not
repeated. The substitution is recorded with its reason: the inspector leaves that team, and the
replacement is the first person in that institution's line (from the start) who is not on the
team, has not been substituted out of it before, has no recusal pair with it, and is under the
cap as the teams stand at that moment. If nobody qualifies, the place stays empty. Substitutions
are applied in the order they were recorded.

## Step 7 — the published result

`result.json` lists the manifest fingerprint, the source values, the key string, the seed, the
jurisdictions drawn first (if any), every group with its size, eligible count, required count,
the drawn institutions with their tickets and the shortfall, every team with its members and
their tickets, the inspectors passed over and why, and the substitutions. To check it, recompute
every step from the manifest and the values and compare. `spotcheck draw verify --manifest
manifest.json result.json` prints `OK` or the first place where the published result and the
recomputation differ.

## A worked example

`Tests/DrawTests/Vectors/example-1/` holds a complete example: 40 law firms in three counties, 8
inspectors, 3 recusal pairs and one substitution. Its manifest fingerprint is
`df4c1905aac776adbed40277fd0c8e7f4074c6f0ad2e56e6255e71faca47b538`; with the values in
`values.json` the key string is
`3.7.9.14.19.28.31./4993b3fd67f9b8b675c88985bcb2f837f89b7f9736b73b45b0dbd3a8759a39c5./1.1.1.1.1.2.2.2.3.3.3.3.4.4.4.4.4.4.4.5.5.5.6.6./`
and the seed `c45086ac268796b6ce234969c81781e2b3abea760fe1deea1c1b153542b1b0f4`; the institution
`31640104E194239616` then has the ticket
`20b331e3b14e30070a164510fa2ff6c94a094893dd23b9e969c1e1a05dfa3223`:

    printf '%s\n%s\n%s' c45086ac268796b6ce234969c81781e2b3abea760fe1deea1c1b153542b1b0f4 \
        institution 31640104E194239616 | sha256sum

"""#
}
