import { Box, useApp, useInput, useStdin, useStdout, type Key } from 'ink';
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { actionForKey } from '../keys.js';
import type { TuiStore } from '../store.js';
import { themeFor, type Theme } from '../theme.js';
import { ConnectionList } from './ConnectionList.js';
import { Detail, detailLayout, detailScrollMax } from './Detail.js';
import { Footer, FOOTER_HEIGHT } from './Footer.js';
import { Header, HEADER_HEIGHT } from './Header.js';
import { Help } from './Help.js';
import { ThemeContext } from './theme-context.js';

export interface AppProps {
  store: TuiStore;
  title: string;
  /** called when the user quits, before the app unmounts */
  onQuit?: () => void;
  /** a fixed terminal size (tests); otherwise the terminal's, following resizes */
  size?: { columns: number; rows: number };
  theme?: Theme;
}

function useTerminalSize(fixed: AppProps['size']): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(fixed ?? read());
  useEffect(() => {
    if (fixed !== undefined) return;
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, fixed]);
  return fixed ?? size;
}

/** The whole app: picks the screen from the store's state; all logic lives in the store and the line builders. */
export function App({ store, title, onQuit, size, theme }: AppProps) {
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const { columns, rows } = useTerminalSize(size);
  // one line short of the terminal: an Ink frame as tall as the screen makes the terminal scroll on every update
  const height = Math.max(8, rows - 1);
  const width = Math.max(40, columns);
  const listHeight = Math.max(1, height - HEADER_HEIGHT - FOOTER_HEIGHT - 1);
  const bodyHeight = height - HEADER_HEIGHT - FOOTER_HEIGHT;
  const { view } = snapshot;

  useEffect(() => {
    store.dispatch({ type: 'resize', pageSize: listHeight });
  }, [store, listHeight]);

  const detail = view.detail;
  const layout = useMemo(() => (detail === null ? null : detailLayout(detail, width)), [detail, width]);

  useInput(
    (input: string, key: Key) => {
      const action = actionForKey(input, key, store.getSnapshot().view);
      if (action === null) return;
      if (action.type === 'quit') {
        onQuit?.();
        exit();
        return;
      }
      if (action.type === 'scroll') {
        store.dispatch({ ...action, max: layout === null ? 0 : detailScrollMax(layout, bodyHeight - 1) });
        return;
      }
      store.dispatch(action);
    },
    { isActive: isRawModeSupported === true },
  );

  return (
    <ThemeContext.Provider value={theme ?? themeFor()}>
      <Box flexDirection="column" width={width} height={height}>
        <Header snapshot={snapshot} title={title} width={width} />
        {view.help ? (
          <Help height={bodyHeight} />
        ) : view.screen === 'detail' && detail !== null && layout !== null ? (
          <Detail record={detail} layout={layout} scroll={view.detailScroll} height={bodyHeight} />
        ) : (
          <ConnectionList snapshot={snapshot} width={width} height={listHeight} />
        )}
        <Footer snapshot={snapshot} width={width} />
      </Box>
    </ThemeContext.Provider>
  );
}
