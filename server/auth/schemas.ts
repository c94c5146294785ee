import { z } from 'zod'
import { storableString } from '../storable-text'

/** The most common passwords long enough to pass the length rule; refused outright. */
const commonPasswords = new Set([
  'password12',
  'password123',
  'password1234',
  'passw0rd123',
  '1234567890',
  '12345678910',
  '0123456789',
  'qwertyuiop',
  'qwerty1234',
  'qwerty12345',
  '1q2w3e4r5t',
  '1qaz2wsx3edc',
  'iloveyou12',
  'letmein123',
  'welcome123',
  'admin12345',
  'abc1234567',
  'aaaaaaaaaa',
  'football12',
  'baseball12',
  'sunshine12',
  'princess12',
  'dragon1234',
  'monkey1234',
  'trustno1234',
  'changeme123',
  'eventwizard',
  'eventwizard1',
])

export const EmailSchema = storableString({ message: 'Enter your e-mail address.' })
  .trim()
  .min(1, { message: 'Enter your e-mail address.' })
  .max(254, { message: 'An e-mail address has at most 254 characters.' })
  .pipe(z.email({ message: 'Enter an e-mail address like name@example.com.' }))

export const NewPasswordSchema = z
  .string({ message: 'Choose a password.' })
  .min(10, { message: 'Use at least 10 characters.' })
  .max(128, { message: 'Use at most 128 characters.' })
  .refine((password) => !commonPasswords.has(password.toLowerCase()), {
    message: 'This password is too common; choose one that is harder to guess.',
  })
  .refine((password) => new Set(password).size >= 4, {
    message: 'Use a password with more different characters.',
  })

export const SignUpSchema = z
  .object({ email: EmailSchema, password: NewPasswordSchema })
  .refine(({ email, password }) => !password.toLowerCase().includes(email.split('@')[0]!.toLowerCase()), {
    message: 'Your password must not contain your e-mail address.',
    path: ['password'],
  })
export type SignUp = z.infer<typeof SignUpSchema>

export const SignInSchema = z.object({
  email: EmailSchema,
  password: z.string({ message: 'Enter your password.' }).min(1, { message: 'Enter your password.' }).max(128, { message: 'Use at most 128 characters.' }),
})
export type SignIn = z.infer<typeof SignInSchema>

export const MagicLinkSchema = z.object({ email: EmailSchema })
