// Waiting for something to happen instead of sleeping: polls a condition on
// the event loop until it holds. No deadline of its own: the test's timeout
// bounds the wait, so no wall-clock figure is asserted here.

export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 5));
}
