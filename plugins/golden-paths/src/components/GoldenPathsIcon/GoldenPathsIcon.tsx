import SvgIcon, { SvgIconProps } from '@material-ui/core/SvgIcon';

/**
 * A winding path, the Golden Paths mark for sidebars and nav items.
 *
 * @public
 */
export function GoldenPathsIcon(props: SvgIconProps) {
  // Material Design's "Route" glyph, drawn through @material-ui/core's SvgIcon
  // so the plugin does not need @material-ui/icons for a single icon.
  return (
    <SvgIcon {...props}>
      <path d="M19 15.18V7c0-2.21-1.79-4-4-4s-4 1.79-4 4v10c0 1.1-.9 2-2 2s-2-.9-2-2V8.82C8.16 8.4 9 7.3 9 6c0-1.66-1.34-3-3-3S3 4.34 3 6c0 1.3.84 2.4 2 2.82V17c0 2.21 1.79 4 4 4s4-1.79 4-4V7c0-1.1.9-2 2-2s2 .9 2 2v8.18c-1.16.41-2 1.51-2 2.82 0 1.66 1.34 3 3 3s3-1.34 3-3c0-1.3-.84-2.4-2-2.82z" />
    </SvgIcon>
  );
}
