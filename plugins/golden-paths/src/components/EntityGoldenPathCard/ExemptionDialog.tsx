import { useState } from 'react';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import { describeActionError } from './describeActionError';

/**
 * Asks for a reason and an expiry day; the backend decides who may grant it.
 */
export function ExemptionDialog(props: {
  open: boolean;
  onClose: () => void;
  /** Called with the reason and the expiry as an ISO timestamp; rejects to keep the dialog open. */
  onSubmit: (request: { reason: string; expiresAt: string }) => Promise<void>;
}) {
  const { open, onClose, onSubmit } = props;
  const [reason, setReason] = useState('');
  const [expiryDay, setExpiryDay] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<unknown>();

  const submit = async () => {
    setSubmitting(true);
    setError(undefined);
    try {
      // An exemption "until" a day lasts through that whole day, in UTC like the policy dates.
      const expiresAt = new Date(`${expiryDay}T23:59:59Z`).toISOString();
      await onSubmit({ reason: reason.trim(), expiresAt });
      setReason('');
      setExpiryDay('');
    } catch (e) {
      setError(e);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Dialog open={open} onClose={onClose} aria-labelledby="exemption-title">
      <DialogTitle id="exemption-title">Request an exemption</DialogTitle>
      <DialogContent>
        <DialogContentText>
          While exempt, the service passes the deployment gate even if it is
          behind its template's policy. Exemptions expire by themselves.
        </DialogContentText>
        {error !== undefined && (
          <Alert severity="error">{describeActionError(error)}</Alert>
        )}
        <TextField
          id="golden-paths-exemption-reason"
          label="Reason"
          value={reason}
          onChange={e => setReason(e.target.value)}
          multiline
          fullWidth
          required
          margin="normal"
        />
        <TextField
          id="golden-paths-exemption-expires"
          label="Expires on"
          type="date"
          value={expiryDay}
          onChange={e => setExpiryDay(e.target.value)}
          fullWidth
          required
          margin="normal"
          InputLabelProps={{ shrink: true }}
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          color="primary"
          onClick={submit}
          disabled={submitting || !reason.trim() || !expiryDay}
        >
          Request exemption
        </Button>
      </DialogActions>
    </Dialog>
  );
}
