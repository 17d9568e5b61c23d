/**
 * Loads the terminal UI. Ink draws only a final frame when it believes it runs under CI (a CI or
 * CONTINUOUS_INTEGRATION variable, read once when ink is first imported); callers load the UI only when stdin and
 * stdout are terminals, where a person is watching, so those variables are set aside before ink is imported.
 * This module imports nothing of ink itself, so that the order holds.
 */
export async function loadTui(): Promise<typeof import('./run.js')> {
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  return import('./run.js');
}
