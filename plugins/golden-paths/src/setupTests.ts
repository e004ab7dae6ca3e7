import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';
import { cloneElement, createElement, isValidElement, ReactNode } from 'react';

// A cold first render of a Backstage app on a busy 2-core CI machine can take
// seconds; the default one-second wait would make tests flaky, not stricter.
configure({ asyncUtilTimeout: 10_000 });

// jsdom has no layout: recharts' ResponsiveContainer measures 0×0 and draws
// nothing, and needs a ResizeObserver. Tests get a fixed 600×240 container.
class NoopResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}
(globalThis as any).ResizeObserver ??= NoopResizeObserver;

jest.mock('recharts', () => {
  const actual = jest.requireActual('recharts');
  return {
    ...actual,
    ResponsiveContainer: (props: { children: ReactNode; height?: number }) =>
      createElement(
        'div',
        { style: { width: 600, height: props.height ?? 240 } },
        isValidElement(props.children)
          ? cloneElement(props.children as any, {
              width: 600,
              height: typeof props.height === 'number' ? props.height : 240,
            })
          : props.children,
      ),
  };
});
