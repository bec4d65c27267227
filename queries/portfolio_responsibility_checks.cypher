// params: as_of
// The responsibility pattern checks of every open duty in the portfolio, as of a day, in
// one statement (the Python judge's duty_checks in graphsvc/analysis/findings.py says the
// same; tests/test_responsibility_checks.py holds them to it):
// Assignments are read at the stage's time (a planned stage: the day it starts); statuses
// on the as-of day.
//   NO_ACCOUNTABLE        nobody holds an A assignment valid on the day
//   MULTIPLE_ACCOUNTABLE  more than one A holder is active on the day (contacts: those)
//   OWNER_INACTIVE        an A holder has left or is on leave on the day (one row each)
//   NO_RESPONSIBLE        no R holder is active on the day
// A stage is judged unless it is done on the day (dates win, its status otherwise; see
// analysis/timeline.py stage_phase). A contact's status on the day is that of the earlier
// period covering it (the first by id), else the current one. Periods are half-open.
MATCH (p:Project)-[:HAS_STAGE]->(s:Stage)-[:REQUIRES]->(r:Responsibility)
WITH p, s, r,
  CASE
    WHEN s.end IS NOT NULL AND s.end < $as_of THEN 'done'
    WHEN s.start IS NOT NULL AND $as_of < s.start THEN 'planned'
    WHEN s.status = 'done' AND s.end IS NOT NULL THEN 'active'
    ELSE s.status
  END AS phase
WHERE phase <> 'done'
// the stage's time (analysis/timeline.py stage_time): a planned stage is judged on its start
WITH p, s, r,
  CASE WHEN phase = 'planned' AND s.start IS NOT NULL AND s.start > $as_of THEN s.start ELSE $as_of END AS on_day
CALL (r, on_day) {
  OPTIONAL MATCH (c:Contact)-[a:ASSIGNED]->(r)
  WHERE a.raci IN ['A', 'R']
    AND (a.valid_from IS NULL OR a.valid_from <= on_day)
    AND (a.valid_to IS NULL OR on_day < a.valid_to)
  WITH c, a
  WITH c, a, COLLECT {
    MATCH (c)-[:HAS_PERIOD]->(h:ContactPeriod)
    WHERE (h.valid_from IS NULL OR h.valid_from <= $as_of) AND $as_of < h.valid_to
    RETURN h.status ORDER BY h.id LIMIT 1
  } AS earlier
  WITH collect(DISTINCT CASE WHEN c IS NULL THEN NULL
    ELSE {contact: c.id, raci: a.raci, active: coalesce(earlier[0], c.status) = 'active'} END) AS holders
  RETURN [h IN holders WHERE h.raci = 'A'] AS accountable,
    any(h IN holders WHERE h.raci = 'R' AND h.active) AS responsible
}
WITH p, s, r, responsible,
  [h IN accountable | h.contact] AS holders,
  [h IN accountable WHERE h.active | h.contact] AS active,
  [h IN accountable WHERE NOT h.active | h.contact] AS inactive
UNWIND (
    CASE WHEN size(holders) = 0 THEN [['NO_ACCOUNTABLE', []]] ELSE [] END
  + CASE WHEN size(active) > 1 THEN [['MULTIPLE_ACCOUNTABLE', active]] ELSE [] END
  + [c IN inactive | ['OWNER_INACTIVE', [c]]]
  + CASE WHEN responsible THEN [] ELSE [['NO_RESPONSIBLE', []]] END
) AS check
RETURN p.id AS project, r.id AS responsibility, check[0] AS code, check[1] AS contacts
