import { Header, Page, TabbedLayout } from '@backstage/core-components';
import { DeliveryTab } from './DeliveryTab';
import { TeamsTab } from './TeamsTab';
import { TemplatesTab } from './TemplatesTab';

/**
 * The Golden Paths page, in three tabs that deep-link: `teams` (compliance
 * per team), `templates` (versions, adoption, changelog, policy) and
 * `delivery` (DORA per template version).
 *
 * @public
 */
export function GoldenPathsPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Golden Paths"
        subtitle="Versioned templates, who is on which version, and how they deliver"
      />
      <TabbedLayout>
        <TabbedLayout.Route path="/teams" title="Teams">
          <TeamsTab />
        </TabbedLayout.Route>
        <TabbedLayout.Route path="/templates" title="Templates">
          <TemplatesTab />
        </TabbedLayout.Route>
        <TabbedLayout.Route path="/delivery" title="Delivery">
          <DeliveryTab />
        </TabbedLayout.Route>
      </TabbedLayout>
    </Page>
  );
}
