// @lemon/ui: presentational Solid components and themes. No network, no app state:
// everything comes in through props and goes out through callbacks.
import './styles/theme.css';
import './styles/components.css';

export { Icon, LemonMark } from './icons';
export type { IconName, IconProps } from './icons';
export { Button, IconButton, Spinner } from './Button';
export type { ButtonProps, ButtonVariant, IconButtonProps } from './Button';
export { TextField, TextArea } from './TextField';
export type { TextFieldProps, TextAreaProps } from './TextField';
export { Dialog } from './Dialog';
export type { DialogProps } from './Dialog';
export { ContextMenu } from './Menu';
export type { ContextMenuProps, MenuEntry } from './Menu';
export { StatusBadge } from './StatusBadge';
export type { StatusBadgeProps, StatusTone } from './StatusBadge';
export { Avatar } from './Avatar';
export type { AvatarProps } from './Avatar';
export { ToastList } from './Toasts';
export type { Toast, ToastListProps } from './Toasts';
export { ChannelTree } from './ChannelTree';
export type { ChannelTreeProps, TreeTarget } from './ChannelTree';
export { visibleRows, keyAction, isExpandable } from './tree';
export type { TreeNode, VisibleRow, TreeKeyAction } from './tree';
export { initials, hueFor, countLabel } from './text';
export { ChatTabs } from './ChatTabs';
export type { ChatTab, ChatTabsProps } from './ChatTabs';
export { MessageList } from './MessageList';
export type { MessageListProps, ChatItem, ChatAuthor, ChatPicture } from './MessageList';
export { Composer } from './Composer';
export type { ComposerProps } from './Composer';
export { StylePicker } from './StylePicker';
export type { StylePickerProps } from './StylePicker';
export { PictureViewer } from './PictureViewer';
export type { PictureViewerProps } from './PictureViewer';
export { PokeDialog, PokePopup } from './Poke';
export type { PokeDialogProps, PokePopupProps } from './Poke';
export { playPokeSound, POKE_CHIME } from './sound';
export { SafetyNumberDialog, QrCode } from './SafetyNumberDialog';
export type { SafetyNumberDialogProps } from './SafetyNumberDialog';
export { KeyChangeBanner } from './KeyChangeBanner';
export type { KeyChangeBannerProps } from './KeyChangeBanner';
export { EpochCode, EPOCH_CODE_EXPLANATION } from './EpochCode';
export type { EpochCodeProps } from './EpochCode';
export { BackupDialog } from './BackupDialog';
export type { BackupDialogProps } from './BackupDialog';
export {
  clampStyle,
  messageStyleCss,
  MESSAGE_FONT_STACKS,
  MESSAGE_SIZE_MIN_PX,
  MESSAGE_SIZE_MAX_PX,
  MESSAGE_SIZE_DEFAULT_PX,
  unreadLabel,
  groupMessages,
  groupStarts,
  GROUP_GAP_MS,
  formatTime,
  safePictureUrl,
  fitBox,
  isAtBottom,
  composerKeyAction,
  charCounter,
  charCount,
  passphraseStrength,
  exportPassphraseError,
  safetyDigitGroups,
  qrRuns,
} from './chat';
export type { MessageStyle, SafeMessageStyle, MessageGroup, GroupableItem, ComposerKeyAction, PassphraseStrength, QrRun } from './chat';
export { qrMatrix } from './qr';
export type { QrMatrix } from './qr';
