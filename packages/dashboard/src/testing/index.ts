// @s3pet/dashboard/testing: the recorded fixture run other packages' tests replay (the CLI's watch and
// reporter tests), so none reaches into this package by a relative path.
export { FIXTURE_RUN_DIR, FIXTURE_EVENTS_PATH, fixtureEvents } from "./fixture-events.js";
