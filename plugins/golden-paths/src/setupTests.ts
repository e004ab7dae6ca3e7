import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// A cold first render of a Backstage app on a busy 2-core CI machine can take
// seconds; the default one-second wait would make tests flaky, not stricter.
configure({ asyncUtilTimeout: 10_000 });
