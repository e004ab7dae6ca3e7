import { render } from '@testing-library/react';
import App from './App';

describe('App', () => {
  it('starts on the guest sign-in page of the demo portal', async () => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Paved test', baseUrl: 'http://localhost:3000' },
            backend: { baseUrl: 'http://localhost:7007' },
          },
          context: 'test',
        },
      ] as any,
    };

    const rendered = render(App.createRoot());

    expect(
      await rendered.findByRole(
        'button',
        { name: 'Enter' },
        { timeout: 15_000 },
      ),
    ).toBeInTheDocument();
    expect(rendered.getByText('Paved test')).toBeInTheDocument();
  });
});
