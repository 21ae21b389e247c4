// A round's settings as the API takes them (POST /api/boards/<id>/rounds/), read from a round form:
// the board's (voting.js) and the console's (console.js) ask the same fields under the same names.
// The server checks the rules (the cap against the dots, the timer's bounds).

export function roundRequest(form) {
  const data = new FormData(form);
  const body = {
    question: data.get("question"),
    dots_per_voter: Number(data.get("dots_per_voter")),
    max_per_card: Number(data.get("max_per_card")),
    results_visibility: data.get("results_visibility"),
    anonymous: data.get("anonymous") === "on",
    facilitators_vote: data.get("facilitators_vote") === "on",
    subject: data.get("subject") || "cards",
  };
  if (data.get("minutes")) body.duration_seconds = Math.round(Number(data.get("minutes")) * 60); // optional
  return body;
}
