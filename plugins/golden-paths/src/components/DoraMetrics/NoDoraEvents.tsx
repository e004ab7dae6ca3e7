import Typography from '@material-ui/core/Typography';

/** What to do when no delivery event arrived: the three ways to send them. */
export function NoDoraEvents(props: { entityRef?: string }) {
  return (
    <>
      <Typography variant="h6" component="p">
        No delivery events yet
      </Typography>
      <Typography variant="body2" color="textSecondary" component="div">
        DORA metrics are computed from deployment, change and incident events.
        Send them from your pipeline in one of three ways:
        <ul>
          <li>
            <code>
              paved events send deployment --entity{' '}
              {props.entityRef ?? 'component:default/my-service'} --environment
              production
            </code>{' '}
            from a pipeline step;
          </li>
          <li>
            the GitHub webhook <code>/api/golden-paths/webhooks/github</code>{' '}
            (deployment status, pull requests, incident issues);
          </li>
          <li>
            CDEvents or plain JSON to <code>POST /api/golden-paths/events</code>
            .
          </li>
        </ul>
      </Typography>
    </>
  );
}
