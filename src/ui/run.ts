import { render } from 'ink';
import { createElement } from 'react';
import { App } from './components/App.js';
import type { AnalysisFeed } from './feed.js';
import { TuiStore } from './store.js';

export interface TuiOptions {
  /** capture name(s) or the interface, shown at the top */
  title: string;
  live: boolean;
  /** start with only failed connections listed (`--failed`) */
  failedOnly?: boolean;
}

/** Connections a live session keeps in its list: memory stays flat over hours of sniffing. */
const LIVE_MAX_RECORDS = 20_000;

/** How often records that arrived are merged into the list and the screen redrawn. */
const COMMIT_INTERVAL_MS = 100;

// The alternate screen keeps the user's scrollback intact: quitting restores what was there before.
const ENTER_ALTERNATE_SCREEN = '\x1b[?1049h\x1b[H';
const LEAVE_ALTERNATE_SCREEN = '\x1b[?1049l';

/**
 * Runs the terminal app over an analysis until the user quits (q, Ctrl-C); resolves then, after asking the feed to
 * stop. Needs a TTY on stdin and stdout: the caller decides (and prints text otherwise).
 */
export async function runTui(feed: AnalysisFeed, options: TuiOptions): Promise<void> {
  const store = new TuiStore({ failedOnly: options.failedOnly, maxRecords: options.live ? LIVE_MAX_RECORDS : undefined });
  const unsubscribe = feed.subscribe({
    record: (record) => store.add(record),
    progress: (progress) => store.setProgress(progress),
    notice: (message) => store.notice(message),
    finished: () => {
      store.finish();
      store.commit();
    },
  });
  store.commit();
  const timer = setInterval(() => store.commit(), COMMIT_INTERVAL_MS);

  const stdout = process.stdout;
  stdout.write(ENTER_ALTERNATE_SCREEN);
  try {
    const instance = render(createElement(App, { store, title: options.title, onQuit: () => feed.stop() }), {
      exitOnCtrlC: true,
      patchConsole: true,
    });
    await instance.waitUntilExit();
  } finally {
    clearInterval(timer);
    unsubscribe();
    feed.stop();
    stdout.write(LEAVE_ALTERNATE_SCREEN);
  }
}
