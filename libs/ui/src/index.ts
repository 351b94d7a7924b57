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
