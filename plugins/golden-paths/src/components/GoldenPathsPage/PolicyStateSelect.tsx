import TextField from '@material-ui/core/TextField';
import { PolicyState } from '@paved/backstage-plugin-golden-paths-common';
import { POLICY_STATES, POLICY_STATE_LABELS } from './policyStates';

/** A filter by policy state, with "Any state" for none. */
export function PolicyStateSelect(props: {
  id: string;
  label: string;
  value: PolicyState | '';
  onChange: (state: PolicyState | '') => void;
}) {
  return (
    <TextField
      select
      id={props.id}
      label={props.label}
      value={props.value}
      onChange={e => props.onChange(e.target.value as PolicyState | '')}
      SelectProps={{ native: true }}
      InputLabelProps={{ shrink: true }}
      size="small"
    >
      <option value="">Any state</option>
      {POLICY_STATES.map(s => (
        <option key={s} value={s}>
          {POLICY_STATE_LABELS[s]}
        </option>
      ))}
    </TextField>
  );
}
