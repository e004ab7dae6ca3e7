import { PavedMark } from './LogoFull';

/** The Paved mark for the collapsed sidebar. */
export const LogoIcon = () => <PavedMark short />;
